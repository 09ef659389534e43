import type { TextAnalysisRecord } from '../merge/text-analysis';
import { gunzipSync, gzipSync } from 'node:zlib';

/*
 * Raw HTML is kept only for replays, a few days: zlib level 1 leaves a demo
 * page at 36% of its size against 34% at the default level 6, for about 30%
 * less CPU (gzip was the fetch stage's largest own cost, issue #8).
 */
const HTML_GZIP_LEVEL = 1;
import type { Redis } from 'ioredis';
import type { Article, ArticleEntity, FeedConfig, FeedItem, FetchFacts, Story } from '../types';
import { SCHEMA_VERSION } from '../types';
import { keyspace, type Keyspace } from './keys';
import { runScript, type LuaScript } from './lua';

/** Thrown when a record a job refers to is missing (expired, or never written). */
export class MissingRecordError extends Error {
  constructor(what: string) {
    super(`missing record: ${what}`);
    this.name = 'MissingRecordError';
  }
}

export interface FeedState {
  etag?: string;
  lastModified?: string;
  lastPollAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  consecutiveErrors: number;
  itemsSeen: number;
  lastNewItems: number;
  /** When the next poll is due (ISO). */
  nextPollAt?: string;
  /** Scheduler ticks before this (ms since epoch) are skipped: backoff, Retry-After, <ttl>, Cache-Control. */
  pollNotBefore?: number;
  /** Why the next poll is when it is: interval, backoff, retry-after, ttl, cache-control. */
  nextPollReason?: string;
  /** Set when the feed was disabled after a run of failures; `feeds enable` clears it. */
  disabledAt?: string;
  disabledReason?: string;
  /** Fingerprints of the entries the last successful 200 poll held (see entryFingerprint in workers/feeds.ts). */
  recentEntries: string[];
}

/** The scheduling part of a poll outcome (see src/feeds/poll-policy.ts). */
export interface FeedScheduleFacts {
  nextPollAt: number;
  pollNotBefore?: number;
  reason: string;
}

function scheduleFields(next: FeedScheduleFacts): Record<string, string> {
  return {
    nextPollAt: new Date(next.nextPollAt).toISOString(),
    pollNotBefore: next.pollNotBefore === undefined ? '' : String(next.pollNotBefore),
    nextPollReason: next.reason,
  };
}

/**
 * Stores a feed item once, adds the feed to the article's feed set, and, if
 * the article is already extracted and the feed is new to it, rewrites the
 * article's feedIds from the set, all atomically. The rewrite edits the JSON
 * text in place: Redis's cjson would turn empty arrays into objects. Safe
 * because JSON.stringify escapes every quote inside strings, so the only
 * unescaped "feedIds":[ is the key, and feed ids (FEED_ID_PATTERN, checked
 * by upsertFeed) need no escaping and never contain "]".
 * Returns {itemIsNew, feedAdded, articleUpdated}.
 */
const SAVE_FEED_ITEM: LuaScript = {
  name: 'storylineSaveFeedItem',
  lua: `
local isNew = redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3], 'NX') and 1 or 0
local added = redis.call('SADD', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[3])
local updated = 0
if added == 1 then
  local article = redis.call('GET', KEYS[3])
  if article then
    local s, e = string.find(article, '"feedIds":[', 1, true)
    if s then
      local close = string.find(article, ']', e + 1, true)
      local ids = redis.call('SMEMBERS', KEYS[2])
      table.sort(ids)
      for i, id in ipairs(ids) do ids[i] = '"' .. id .. '"' end
      article = string.sub(article, 1, e) .. table.concat(ids, ',') .. string.sub(article, close)
      redis.call('SET', KEYS[3], article, 'KEEPTTL')
      updated = 1
    end
  end
end
return {isNew, added, updated}
`,
};

/** Same rule as the config schema's feed ids. */
export const FEED_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;

function parseJson<T>(raw: string | null): T | undefined {
  return raw === null ? undefined : (JSON.parse(raw) as T);
}

function checkVersion<T extends { schemaVersion?: number }>(record: T | undefined, what: string): T | undefined {
  if (record && record.schemaVersion !== SCHEMA_VERSION) {
    throw new Error(`${what} has schemaVersion ${String(record.schemaVersion)}, this release reads ${SCHEMA_VERSION}`);
  }
  return record;
}

function checkFeedId(id: string): void {
  if (!FEED_ID_PATTERN.test(id)) throw new Error(`invalid feed id "${id}": use letters, digits, ".", "_" and "-"`);
}

/**
 * KEYS feeds, feeds:removed, feed:{id}:state; ARGV id, json. Adding a removed feed again starts it afresh: a poll
 * that was running during the removal may have written state (validators, backoff, disabledAt) after it.
 */
const UPSERT_FEED_LUA: LuaScript = {
  name: 'storylineUpsertFeed',
  lua: `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('HDEL', KEYS[2], ARGV[1]) == 1 then redis.call('DEL', KEYS[3]) end
return 1`,
};

/** KEYS feeds, feeds:removed; ARGV id, json. 0 when the feed was removed by an operator. */
const SEED_FEED_LUA: LuaScript = {
  name: 'storylineSeedFeed',
  lua: `if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`,
};

/** KEYS feeds, feed:{id}:state, feeds:removed; ARGV id, removal time. 1 when the feed was registered. */
const REMOVE_FEED_LUA: LuaScript = {
  name: 'storylineRemoveFeed',
  lua: `local existed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return existed`,
};

/**
 * Typed access to the records that stages hand each other. Writes are
 * idempotent: the same input stores the same output under the same key.
 */
export class RecordStore {
  readonly keys: Keyspace;

  constructor(
    readonly redis: Redis,
    prefix: string,
    private readonly ttl: { recordTtlSec: number; htmlTtlSec: number },
  ) {
    this.keys = keyspace(prefix);
  }

  // Feed registry ---------------------------------------------------------
  /** Registers or updates a feed (an operator's `feeds add`): a feed removed before counts as added again. */
  async upsertFeed(feed: FeedConfig): Promise<void> {
    checkFeedId(feed.id);
    await runScript(
      this.redis,
      UPSERT_FEED_LUA,
      3,
      this.keys.feeds,
      this.keys.feedsRemoved,
      this.keys.feedState(feed.id),
      feed.id,
      JSON.stringify(feed),
    );
  }
  /**
   * Seeds a configured feed unless it was removed with removeFeed since; returns false then. One script, so a
   * removal that lands while a worker starts is never undone by the seeding (nor its record lost).
   */
  async seedFeed(feed: FeedConfig): Promise<boolean> {
    checkFeedId(feed.id);
    const seeded = await runScript<number>(
      this.redis,
      SEED_FEED_LUA,
      2,
      this.keys.feeds,
      this.keys.feedsRemoved,
      feed.id,
      JSON.stringify(feed),
    );
    return seeded === 1;
  }
  /**
   * Unregisters a feed, drops its polling state and records the removal, so that the configured list does not
   * bring it back when workers restart (syncFeedSchedulers); upsertFeed clears the record.
   */
  async removeFeed(feedId: string, at = new Date()): Promise<boolean> {
    const existed = await runScript<number>(
      this.redis,
      REMOVE_FEED_LUA,
      3,
      this.keys.feeds,
      this.keys.feedState(feedId),
      this.keys.feedsRemoved,
      feedId,
      at.toISOString(),
    );
    return existed === 1;
  }
  /** Ids removed with removeFeed and not added since (new ids must not reuse them, see `feeds import`). */
  async removedFeedIds(): Promise<string[]> {
    return this.redis.hkeys(this.keys.feedsRemoved);
  }
  async getFeed(feedId: string): Promise<FeedConfig | undefined> {
    return parseJson<FeedConfig>(await this.redis.hget(this.keys.feeds, feedId));
  }
  async listFeeds(): Promise<FeedConfig[]> {
    const all = await this.redis.hgetall(this.keys.feeds);
    return Object.values(all)
      .map((v) => JSON.parse(v) as FeedConfig)
      .sort((a, b) => a.id.localeCompare(b.id));
  }
  async getFeedState(feedId: string): Promise<FeedState> {
    const h = await this.redis.hgetall(this.keys.feedState(feedId));
    return {
      etag: h.etag || undefined,
      lastModified: h.lastModified || undefined,
      lastPollAt: h.lastPollAt || undefined,
      lastSuccessAt: h.lastSuccessAt || undefined,
      lastError: h.lastError || undefined,
      lastErrorAt: h.lastErrorAt || undefined,
      consecutiveErrors: Number(h.consecutiveErrors ?? 0),
      itemsSeen: Number(h.itemsSeen ?? 0),
      lastNewItems: Number(h.lastNewItems ?? 0),
      nextPollAt: h.nextPollAt || undefined,
      pollNotBefore: h.pollNotBefore ? Number(h.pollNotBefore) : undefined,
      nextPollReason: h.nextPollReason || undefined,
      disabledAt: h.disabledAt || undefined,
      disabledReason: h.disabledReason || undefined,
      recentEntries: (h.recentEntries ?? '').split(' ').filter(Boolean),
    };
  }
  /**
   * A successful poll (200 or 304). The validators of a 200 replace the old
   * ones (a validator the server stopped sending must not be sent back); a
   * 304 passes none and keeps them.
   */
  async recordFeedSuccess(
    feedId: string,
    facts: {
      etag?: string;
      lastModified?: string;
      items: number;
      newItems: number;
      notModified?: boolean;
      next?: FeedScheduleFacts;
      /** Fingerprints of every entry of this 200 response (replaces the previous poll's). */
      recentEntries?: string[];
    },
  ): Promise<void> {
    const key = this.keys.feedState(feedId);
    const now = new Date().toISOString();
    const fields: Record<string, string> = {
      lastPollAt: now,
      lastSuccessAt: now,
      consecutiveErrors: '0',
      lastError: '',
      lastNewItems: String(facts.newItems),
      ...(facts.next ? scheduleFields(facts.next) : {}),
    };
    if (facts.etag) fields.etag = facts.etag;
    if (facts.lastModified) fields.lastModified = facts.lastModified;
    if (facts.recentEntries) fields.recentEntries = facts.recentEntries.join(' ');
    const tx = this.redis.multi().hset(key, fields).hincrby(key, 'itemsSeen', facts.newItems);
    if (!facts.notModified) {
      const stale = [...(facts.etag ? [] : ['etag']), ...(facts.lastModified ? [] : ['lastModified'])];
      if (stale.length) tx.hdel(key, ...stale);
    }
    await tx.exec();
  }
  /** Counts a failed poll; returns the number of consecutive failures including this one. */
  async recordFeedError(feedId: string, error: string): Promise<number> {
    const key = this.keys.feedState(feedId);
    const now = new Date().toISOString();
    const res = (await this.redis
      .multi()
      .hset(key, { lastPollAt: now, lastErrorAt: now, lastError: error.slice(0, 500) })
      .hincrby(key, 'consecutiveErrors', 1)
      .exec()) as Array<[Error | null, unknown]>;
    return Number(res[1][1]);
  }
  async setFeedSchedule(feedId: string, next: FeedScheduleFacts): Promise<void> {
    await this.redis.hset(this.keys.feedState(feedId), scheduleFields(next));
  }
  async disableFeed(feedId: string, reason: string): Promise<void> {
    await this.redis.hset(this.keys.feedState(feedId), {
      disabledAt: new Date().toISOString(),
      disabledReason: reason.slice(0, 500),
      nextPollAt: '',
      pollNotBefore: '',
      nextPollReason: 'disabled',
    });
  }
  /** Re-enables a disabled feed with a clean error count; its validators and counters stay. */
  async enableFeed(feedId: string): Promise<void> {
    const key = this.keys.feedState(feedId);
    await this.redis
      .multi()
      .hdel(key, 'disabledAt', 'disabledReason', 'pollNotBefore', 'nextPollAt', 'nextPollReason')
      .hset(key, { consecutiveErrors: '0' })
      .exec();
  }

  // Feed items -------------------------------------------------------------
  /**
   * Stores the item unless one is already known, and records the feed in the
   * article's feed set (the authoritative list of feeds an article came from).
   * If the article was extracted before this feed saw it, its feedIds are
   * rewritten to match the set.
   */
  async recordFeedItem(item: FeedItem): Promise<{ itemIsNew: boolean; feedAdded: boolean; articleUpdated: boolean }> {
    const [isNew, added, updated] = (await runScript(
      this.redis,
      SAVE_FEED_ITEM,
      3,
      this.keys.item(item.articleId),
      this.keys.articleFeeds(item.articleId),
      this.keys.article(item.articleId),
      JSON.stringify(item),
      item.feedId,
      this.ttl.recordTtlSec,
    )) as [number, number, number];
    return { itemIsNew: isNew === 1, feedAdded: added === 1, articleUpdated: updated === 1 };
  }
  /** Stores the item unless one is already known, and records the feed. Returns true when the item is new. */
  async saveFeedItem(item: FeedItem): Promise<boolean> {
    return (await this.recordFeedItem(item)).itemIsNew;
  }
  async getFeedItem(articleId: string): Promise<FeedItem> {
    const item = checkVersion(parseJson<FeedItem>(await this.redis.get(this.keys.item(articleId))), 'feed item');
    if (!item) throw new MissingRecordError(`item ${articleId}`);
    return item;
  }
  async getArticleFeeds(articleId: string): Promise<string[]> {
    return (await this.redis.smembers(this.keys.articleFeeds(articleId))).sort();
  }
  /** Which of these article ids already have an extracted article (so a re-poll can skip them). */
  async existingArticles(articleIds: string[]): Promise<Set<string>> {
    if (!articleIds.length) return new Set();
    const pipe = this.redis.pipeline();
    for (const id of articleIds) pipe.exists(this.keys.article(id));
    const res = (await pipe.exec()) ?? [];
    return new Set(articleIds.filter((_, i) => res[i]?.[1] === 1));
  }

  // Fetch ------------------------------------------------------------------
  async saveFetched(articleId: string, html: string, facts: FetchFacts): Promise<void> {
    await this.redis
      .multi()
      .set(this.keys.html(articleId), gzipSync(html, { level: HTML_GZIP_LEVEL }), 'EX', this.ttl.htmlTtlSec)
      .set(this.keys.fetched(articleId), JSON.stringify(facts), 'EX', this.ttl.recordTtlSec)
      .exec();
  }
  async getFetched(articleId: string): Promise<{ html: string; facts: FetchFacts }> {
    const [html, facts] = await Promise.all([
      this.redis.getBuffer(this.keys.html(articleId)),
      this.redis.get(this.keys.fetched(articleId)),
    ]);
    if (!html || !facts) throw new MissingRecordError(`fetched page ${articleId}`);
    return { html: gunzipSync(html).toString('utf8'), facts: JSON.parse(facts) as FetchFacts };
  }

  // Articles ---------------------------------------------------------------
  async saveArticle(article: Article): Promise<void> {
    await this.redis.set(this.keys.article(article.id), JSON.stringify(article), 'EX', this.ttl.recordTtlSec);
  }
  async getArticle(articleId: string): Promise<Article> {
    // The feed set is authoritative: a feed that saw the item while it was
    // being extracted is in the set even if the record missed it.
    const res = (await this.redis.pipeline().get(this.keys.article(articleId)).smembers(this.keys.articleFeeds(articleId)).exec()) as Array<
      [Error | null, unknown]
    >;
    const a = checkVersion(parseJson<Article>(res[0][1] as string | null), 'article');
    if (!a) throw new MissingRecordError(`article ${articleId}`);
    const feeds = (res[1][1] as string[] | null) ?? [];
    if (feeds.some((f) => !a.feedIds.includes(f))) a.feedIds = [...new Set([...a.feedIds, ...feeds])].sort();
    return a;
  }
  /**
   * The article record as extract wrote it, without merging in the feed set: for stages that read its
   * text and metadata but not `feedIds` (tag, merge), one command instead of two.
   */
  async getArticleText(articleId: string): Promise<Article> {
    return this.parseArticleText(articleId, await this.redis.get(this.keys.article(articleId)));
  }
  /** getArticleText's checks on a value read with other keys (`keys.article(articleId)`). */
  parseArticleText(articleId: string, raw: string | null): Article {
    const a = checkVersion(parseJson<Article>(raw), 'article');
    if (!a) throw new MissingRecordError(`article ${articleId}`);
    return a;
  }
  /**
   * The tag stage's output: the entities, and (optional) the text analysis the merge stage would
   * otherwise compute itself. The analysis only saves work: the merge commit deletes it, and at the
   * latest it expires with the HTML (a merge replayed later recomputes it).
   */
  async saveTagged(articleId: string, entities: ArticleEntity[], analysis?: TextAnalysisRecord): Promise<void> {
    const pipe = this.redis.pipeline().set(this.keys.tagged(articleId), JSON.stringify(entities), 'EX', this.ttl.recordTtlSec);
    if (analysis) pipe.set(this.keys.textAnalysis(articleId), JSON.stringify(analysis), 'EX', this.ttl.htmlTtlSec);
    const failed = ((await pipe.exec()) ?? []).find(([err]) => err);
    if (failed) throw failed[0];
  }
  async getTagged(articleId: string): Promise<ArticleEntity[]> {
    return this.parseTagged(articleId, await this.redis.get(this.keys.tagged(articleId)));
  }
  /** getTagged's checks on a value read with other keys (`keys.tagged(articleId)`). */
  parseTagged(articleId: string, raw: string | null): ArticleEntity[] {
    const e = parseJson<ArticleEntity[]>(raw);
    if (!e) throw new MissingRecordError(`tagged entities ${articleId}`);
    return e;
  }

  // Stories ----------------------------------------------------------------
  async getStory(storyId: string): Promise<Story | undefined> {
    return checkVersion(parseJson<Story>(await this.redis.get(this.keys.story(storyId))), 'story');
  }
  async getStoryVersion(storyId: string, version: number): Promise<Story | undefined> {
    return checkVersion(parseJson<Story>(await this.redis.get(this.keys.storyVersion(storyId, version))), 'story version');
  }
  async listStoryIds(limit = 1000): Promise<string[]> {
    return this.redis.zrevrange(this.keys.stories, 0, limit - 1);
  }
  async listStories(limit = 1000): Promise<Story[]> {
    const ids = await this.listStoryIds(limit);
    if (!ids.length) return [];
    const raw = await this.redis.mget(...ids.map((id) => this.keys.story(id)));
    return raw.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as Story);
  }
}
