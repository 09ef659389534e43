import { gunzipSync, gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import type { Article, ArticleEntity, FeedConfig, FeedItem, FetchFacts, Story } from '../types';
import { SCHEMA_VERSION } from '../types';
import { keyspace, type Keyspace } from './keys';

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
  consecutiveErrors: number;
  itemsSeen: number;
  lastNewItems: number;
}

function parseJson<T>(raw: string | null): T | undefined {
  return raw === null ? undefined : (JSON.parse(raw) as T);
}

function checkVersion<T extends { schemaVersion?: number }>(record: T | undefined, what: string): T | undefined {
  if (record && record.schemaVersion !== SCHEMA_VERSION) {
    throw new Error(`${what} has schemaVersion ${String(record.schemaVersion)}, this release reads ${SCHEMA_VERSION}`);
  }
  return record;
}

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
  async upsertFeed(feed: FeedConfig): Promise<void> {
    await this.redis.hset(this.keys.feeds, feed.id, JSON.stringify(feed));
  }
  async removeFeed(feedId: string): Promise<boolean> {
    const n = await this.redis.hdel(this.keys.feeds, feedId);
    await this.redis.del(this.keys.feedState(feedId));
    return n > 0;
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
      consecutiveErrors: Number(h.consecutiveErrors ?? 0),
      itemsSeen: Number(h.itemsSeen ?? 0),
      lastNewItems: Number(h.lastNewItems ?? 0),
    };
  }
  async recordFeedSuccess(
    feedId: string,
    facts: { etag?: string; lastModified?: string; items: number; newItems: number },
  ): Promise<void> {
    const now = new Date().toISOString();
    const fields: Record<string, string> = {
      lastPollAt: now,
      lastSuccessAt: now,
      consecutiveErrors: '0',
      lastError: '',
      lastNewItems: String(facts.newItems),
    };
    if (facts.etag) fields.etag = facts.etag;
    if (facts.lastModified) fields.lastModified = facts.lastModified;
    await this.redis
      .multi()
      .hset(this.keys.feedState(feedId), fields)
      .hincrby(this.keys.feedState(feedId), 'itemsSeen', facts.newItems)
      .exec();
  }
  async recordFeedError(feedId: string, error: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.feedState(feedId), { lastPollAt: new Date().toISOString(), lastError: error.slice(0, 500) })
      .hincrby(this.keys.feedState(feedId), 'consecutiveErrors', 1)
      .exec();
  }

  // Feed items -------------------------------------------------------------
  /** Stores the item unless one is already known, and records the feed. Returns true when the item is new. */
  async saveFeedItem(item: FeedItem): Promise<boolean> {
    const [setRes] = (await this.redis
      .multi()
      .set(this.keys.item(item.articleId), JSON.stringify(item), 'EX', this.ttl.recordTtlSec, 'NX')
      .sadd(this.keys.articleFeeds(item.articleId), item.feedId)
      .expire(this.keys.articleFeeds(item.articleId), this.ttl.recordTtlSec)
      .exec()) as Array<[Error | null, unknown]>;
    return setRes[1] === 'OK';
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
      .set(this.keys.html(articleId), gzipSync(html), 'EX', this.ttl.htmlTtlSec)
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
    const a = checkVersion(parseJson<Article>(await this.redis.get(this.keys.article(articleId))), 'article');
    if (!a) throw new MissingRecordError(`article ${articleId}`);
    return a;
  }
  async saveTagged(articleId: string, entities: ArticleEntity[]): Promise<void> {
    await this.redis.set(this.keys.tagged(articleId), JSON.stringify(entities), 'EX', this.ttl.recordTtlSec);
  }
  async getTagged(articleId: string): Promise<ArticleEntity[]> {
    const e = parseJson<ArticleEntity[]>(await this.redis.get(this.keys.tagged(articleId)));
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
