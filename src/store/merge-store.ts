import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  candidateKeys,
  candidatePoolSize,
  decideAssignment,
  addToStory,
  indexKeysForStory,
  mergeStoryStates,
  reachMs,
  scoreArticleToStory,
  selectCandidates,
  shouldMergeStories,
  spanDistance,
  survivorFirst,
  withIdfCache,
  type ArticleFeatures,
  type CorpusStats,
  type MergeOptions,
  type StoryState,
} from '../merge/score';
import { storyIdFor } from '../merge/clusterer';
import type { AssignmentReason, Story } from '../types';
import type { Keyspace } from './keys';
import type { MergeMirror } from './merge-mirror';
import { defineScript, queueScript, runScript, type LuaScript } from './lua';

/*
 * The merge stage's index in Redis, so any merge worker can restart or move.
 * It mirrors the in-memory clusterer (src/merge/clusterer.ts) decision for
 * decision, using the same pure scoring functions:
 *   - document frequencies: hash term → df, plus a document counter, for the
 *     current generation of articles and the previous one (dfGenerationSize);
 *   - story states: JSON per story, with the index keys it was filed under;
 *   - posting lists: one sorted set per entity/term, scored by a touch counter
 *     and trimmed to postingLimit, so lookups stay flat as stories accumulate.
 *
 * Concurrency: the merge queue has BullMQ global concurrency 1 (see
 * queues/index.ts), so there is a single writer at any time across all hosts;
 * reads-then-MULTI below rely on it. The MULTI makes each assignment
 * all-or-nothing, so a crash leaves either no trace or a complete one.
 */

export interface StoredState {
  state: StoryState;
  indexed: { entityIds: string[]; terms: string[] };
}

export interface MergePlan {
  features: ArticleFeatures;
  storyId: string;
  created: boolean;
  reason: AssignmentReason;
  state: StoryState;
  /** Story repair: stories absorbed into storyId by this article (their ids stop being used). */
  merged: string[];
  /** Candidate stories that were not chosen, with their scores (for "how we got here"). */
  others: Array<{
    storyId: string;
    score: number;
    textSimilarity: number;
    entityOverlap: number;
    sharedEntities: string[];
    lastAt?: number;
  }>;
  commit: (redis: Redis, extra: (multi: ReturnType<Redis['multi']>) => void) => Promise<void>;
}

/** The merge worker's mirror of the index (src/store/merge-mirror.ts). */
export type MergeIndexMirror = MergeMirror<StoredState, Story>;

export interface StoredAssignment {
  reason: AssignmentReason;
  storyVersion: number;
}

/*
 * A merge commit is a MULTI of three Lua scripts (counting the article,
 * posting lists, writing the story) plus the story state and whatever
 * removals story repair needs. One HINCRBY per article term (a few hundred),
 * ZADD + trim + EXPIRE per posting list (dozens) and the dozen commands of a
 * story write were each a command of their own, and building, encoding and
 * answering those commands was the largest part of the merge stage's CPU
 * after scoring (issues #6, #8). As scripts they are one command each, with
 * the keys declared (KEYS), so they stay legal on Redis Cluster when the
 * prefix carries a hash tag (docs/scaling.md).
 */
/*
 * The article is counted: the commit token swapped in (SET … GET, whose reply
 * says whether anyone else committed since this worker's last commit), the
 * document count, and one HINCRBY per distinct article term. When the count
 * reaches the generation size (MergeOptions.dfGenerationSize; 0: never) the
 * current generation becomes the previous one: the older df hash is unlinked
 * (freed off the main thread) and the current one renamed over it, both O(1),
 * so the df hashes hold at most two generations' vocabulary.
 * KEYS: epoch, document count, df hash, previous document count, previous df hash.
 * ARGV: token, generation size, terms….
 * Reply: the token replaced (false if none) and 1 if the generations turned.
 */
const COUNT_ARTICLE_LUA = `
local previous = redis.call('SET', KEYS[1], ARGV[1], 'GET')
local count = redis.call('INCR', KEYS[2])
for i = 3, #ARGV do redis.call('HINCRBY', KEYS[3], ARGV[i], 1) end
local generation = tonumber(ARGV[2])
local turned = 0
if generation > 0 and count >= generation then
  redis.call('UNLINK', KEYS[5])
  if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], KEYS[5]) end
  redis.call('SET', KEYS[4], count)
  redis.call('SET', KEYS[2], 0)
  turned = 1
end
return {previous or false, turned}`;

/*
 * Document frequencies over both generations, summed here: one command with
 * one list of terms, instead of an HMGET per hash (whose replies the worker
 * would parse and add). HMGET in chunks, as Lua's unpack() has a stack limit
 * and a plan may ask for several thousand terms.
 * KEYS: document count, previous document count, df hash, previous df hash.
 * ARGV: 1 to read the document count (else 0 is returned for it), terms….
 * Reply: the document count, then one df per term.
 */
const READ_COUNTS_LUA = `
local out = {0}
if ARGV[1] == '1' then
  out[1] = (tonumber(redis.call('GET', KEYS[1])) or 0) + (tonumber(redis.call('GET', KEYS[2])) or 0)
end
local n, i, at = #ARGV, 2, 1
while i <= n do
  local j = math.min(i + 999, n)
  local current = redis.call('HMGET', KEYS[3], unpack(ARGV, i, j))
  local previous = redis.call('HMGET', KEYS[4], unpack(ARGV, i, j))
  for m = 1, #current do
    at = at + 1
    out[at] = (tonumber(current[m]) or 0) + (tonumber(previous[m]) or 0)
  end
  i = j + 1
end
return out`;

/*
 * The story posted under each of its index keys, scored by touch time. With a
 * TTL, entries touched more than a TTL ago go first: their story's state has
 * expired with them (the state's TTL restarts at each commit, the same commit
 * that touches its entries). Trimming only by rank left them there, and a
 * stream that repeats itself (the soak's corpus: the same 11 events every 120
 * days) filled posting lists with dead stories that tie with the live one on
 * hits; once they outnumbered the candidate pool (60), the live story often
 * fell out of it and every such article founded a new story (the soak's key
 * count stepped up after 60 repeats, docs/benchmarks.md).
 * KEYS: posting lists. ARGV: story id, touch (ms), limit, TTL (s, 0: none),
 * expired bound (ms, exclusive: postingsExpiredBefore).
 */
const UPDATE_POSTINGS_LUA = `
local storyId, touch, limit, ttl, expired = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], touch, storyId)
  if ttl > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. expired) end
  redis.call('ZREMRANGEBYRANK', KEYS[i], 0, -(limit + 1))
  if ttl > 0 then redis.call('EXPIRE', KEYS[i], ttl) end
end
return #KEYS`;

/**
 * Posting entries touched before this are of stories whose state has expired
 * (see UPDATE_POSTINGS_LUA): a TTL ago, and a minute more, since `now` comes
 * from the worker's clock while Redis expires the state by its own, and a
 * dead story left a little longer costs nothing (its missing state is skipped).
 */
export function postingsExpiredBefore(now: number, ttlSec: number): number {
  return now - ttlSec * 1000 - POSTING_EXPIRY_MARGIN_MS;
}
const POSTING_EXPIRY_MARGIN_MS = 60_000;

/*
 * A story version written (MergeStore.writeStory): the versioned snapshot
 * (which publish reads) and the current record, the stories listing (entries
 * older than the record TTL leave it), the compact version list, the
 * article's assignment, and the read-side story indexes the API filters on
 * (per entity, per outlet): the story goes into each of its index keys with
 * its update time, entries older than the record TTL leave them, each key
 * expires with the records, and keys the story no longer belongs to drop it.
 * As separate commands this was two thirds of a merge commit's commands.
 * KEYS: snapshot, record, listing, version list, assignment, then the index
 * keys to add the story to, then those to drop it from.
 * ARGV: story JSON, snapshot TTL, record TTL, score (update time), story id,
 * expired bound (exclusive), version entry JSON, assignment JSON, number of
 * index keys to add.
 */
const WRITE_STORY_LUA = `
local json, snapshotTtl, ttl, score, storyId, expired = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local adds = tonumber(ARGV[9])
redis.call('SET', KEYS[1], json, 'EX', snapshotTtl)
redis.call('SET', KEYS[2], json, 'EX', ttl)
redis.call('ZADD', KEYS[3], score, storyId)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. expired)
redis.call('RPUSH', KEYS[4], ARGV[7])
redis.call('EXPIRE', KEYS[4], ttl)
redis.call('SET', KEYS[5], ARGV[8], 'EX', ttl)
for i = 6, #KEYS do
  if i - 5 <= adds then
    redis.call('ZADD', KEYS[i], score, storyId)
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. expired)
    redis.call('EXPIRE', KEYS[i], ttl)
  else
    redis.call('ZREM', KEYS[i], storyId)
  end
end
return #KEYS`;

type Multi = ReturnType<Redis['multi']>;
const SCRIPTS = {
  countArticle: { name: 'storylineCountArticle', lua: COUNT_ARTICLE_LUA },
  readCounts: { name: 'storylineReadCounts', lua: READ_COUNTS_LUA },
  updatePostings: { name: 'storylineUpdatePostings', lua: UPDATE_POSTINGS_LUA },
  writeStory: { name: 'storylineWriteStory', lua: WRITE_STORY_LUA },
} satisfies Record<string, LuaScript>;

/** Defines the scripts on a connection once; ioredis copies them onto every MULTI made from it afterwards. */
export function defineMergeScripts(redis: Redis): void {
  for (const script of Object.values(SCRIPTS)) defineScript(redis, script);
}

/** Queues COUNT_ARTICLE_LUA; its reply is [the token it replaced, 1 if the df generations turned]. */
function countArticle(multi: Multi, keys: Keyspace, token: string, generationSize: number, terms: string[]): void {
  queueScript(
    multi,
    SCRIPTS.countArticle,
    5,
    keys.mergeEpoch,
    keys.mergeDocCount,
    keys.mergeDf,
    keys.mergePrevDocCount,
    keys.mergePrevDf,
    token,
    generationSize,
    ...terms,
  );
}

function updatePostings(
  multi: Multi,
  keys: string[],
  o: { storyId: string; touch: number; limit: number; ttlSec?: number; expiredBefore?: number },
): void {
  if (keys.length)
    queueScript(multi, SCRIPTS.updatePostings, keys.length, ...keys, o.storyId, o.touch, o.limit, o.ttlSec ?? 0, o.expiredBefore ?? 0);
}

export class MergeStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keyspace,
    private readonly opts: MergeOptions,
    /**
     * How long a story's index entries live after its last update: the story
     * record's TTL. A state that outlived its story would let a late article
     * restart the story at version 1; postings of terms no story uses any more
     * expire with it. Undefined: kept forever (tests, the parity bench).
     */
    private readonly stateTtlSec?: number,
    /** A long-lived worker's in-memory copy of what it reads (src/store/merge-mirror.ts); none: read everything. */
    private readonly mirror?: MergeIndexMirror,
  ) {
    defineMergeScripts(redis);
  }

  /** Milliseconds → the seconds a mirror entry may live (PTTL: -1 no TTL, -2 gone). */
  private static ttlFromPttl(pttl: number): number | undefined | null {
    if (pttl === -2) return null;
    return pttl < 0 ? undefined : pttl / 1000;
  }

  /**
   * A story record, from the mirror when it holds it. `load` reads it from
   * Redis (the record store's parser and version check); its remaining TTL is
   * read with it so the mirror never outlives the Redis key.
   */
  async getStory(storyId: string, load: (id: string) => Promise<Story | undefined>): Promise<Story | undefined> {
    const mirrored = this.mirror?.stories.get(storyId);
    if (mirrored) return mirrored;
    const [story, pttl] = await Promise.all([load(storyId), this.mirror ? this.redis.pttl(this.keys.story(storyId)) : -2]);
    const ttl = MergeStore.ttlFromPttl(pttl);
    if (story && this.mirror && ttl !== null) this.mirror.stories.set(storyId, story, ttl);
    return story;
  }

  /** After a commit: the story as written, for the next job's reads. */
  rememberStory(story: Story, ttlSec: number): void {
    this.mirror?.stories.set(story.id, story, ttlSec);
  }

  /** Follows story-repair merges to the surviving story id. */
  async resolveStory(storyId: string): Promise<string> {
    let id = storyId;
    for (let hops = 0; hops < 100; hops++) {
      let next = this.mirror?.merged.get(id);
      if (next === undefined) {
        next = await this.redis.get(this.keys.mergedInto(id));
        this.mirror?.merged.set(id, next, this.stateTtlSec);
      }
      if (!next) break;
      id = next;
    }
    return id;
  }

  /** An assignment as read with other keys (`keys.assignment(articleId)`). */
  static parseAssignment(raw: string | null): StoredAssignment | undefined {
    return raw ? (JSON.parse(raw) as StoredAssignment) : undefined;
  }

  private async loadStats(terms: Iterable<string>, articleTerms: Set<string>): Promise<CorpusStats> {
    if (this.mirror) return this.loadStatsMirrored(this.mirror, terms, articleTerms);
    const list = [...new Set(terms)];
    const { docCount, df: dfValues } = await this.readCounts(list, true);
    const df = new Map<string, number>();
    list.forEach((t, i) => df.set(t, dfValues[i]));
    // The article is counted before scoring, as in the in-memory clusterer.
    return { docCount: (docCount ?? 0) + 1, df: (t) => (df.get(t) ?? 0) + (articleTerms.has(t) ? 1 : 0) };
  }

  /**
   * Document frequencies of the terms and (if asked) the document count, each over both generations
   * (READ_COUNTS_LUA: one command, summed in Redis, so a generation turn cannot fall between the reads).
   */
  private async readCounts(terms: string[], withCount: boolean): Promise<{ docCount?: number; df: number[] }> {
    if (!terms.length && !withCount) return { df: [] };
    const k = this.keys;
    const reply = await runScript<number[]>(
      this.redis,
      SCRIPTS.readCounts,
      4,
      k.mergeDocCount,
      k.mergePrevDocCount,
      k.mergeDf,
      k.mergePrevDf,
      withCount ? 1 : 0,
      ...terms,
    );
    return { ...(withCount ? { docCount: reply[0] } : {}), df: reply.slice(1) };
  }

  /** As loadStats, reading from Redis only the terms (and count) the mirror does not hold yet. */
  private async loadStatsMirrored(mirror: MergeIndexMirror, terms: Iterable<string>, articleTerms: Set<string>): Promise<CorpusStats> {
    const missing = new Set<string>();
    for (const t of terms) if (!mirror.df.has(t)) missing.add(t);
    if (missing.size || mirror.docCount === undefined) {
      const list = [...missing];
      const read = await this.readCounts(list, mirror.docCount === undefined);
      if (read.docCount !== undefined) mirror.docCount = read.docCount;
      list.forEach((t, i) => mirror.setDf(t, read.df[i]));
    }
    // A snapshot: the mirror changes only at commit, but this job's scores must not see that.
    const docCount = (mirror.docCount ?? 0) + 1;
    const df = mirror.df;
    return { docCount, df: (t) => (df.get(t) ?? 0) + (articleTerms.has(t) ? 1 : 0) };
  }

  /** The story ids of each posting list, in any order (only hit counts are taken from them). */
  private async loadPostings(keys: string[]): Promise<Array<Iterable<string>>> {
    const mirror = this.mirror;
    // Entries of stories whose state has expired are not hits: a list that is read but not posted to
    // keeps them until its next update (or its own expiry).
    const alive = this.stateTtlSec ? postingsExpiredBefore(Date.now(), this.stateTtlSec) : undefined;
    if (!mirror) {
      const pipe = this.redis.pipeline();
      for (const key of keys) {
        if (alive === undefined) pipe.zrevrange(key, 0, -1);
        else pipe.zrevrangebyscore(key, '+inf', alive);
      }
      return ((await pipe.exec()) ?? []).map(([, ids]) => (ids as string[]) ?? []);
    }
    const live = (list: Map<string, number>): Iterable<string> => (alive === undefined ? list.keys() : idsTouchedSince(list, alive));
    const out: Array<Iterable<string>> = [];
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const list = mirror.postings.get(key);
      if (list) out[i] = live(list);
      else missing.push(i);
    });
    if (!missing.length) return out;
    const pipe = this.redis.pipeline();
    for (const i of missing) {
      pipe.zrange(keys[i], '0', '-1', 'WITHSCORES');
      pipe.pttl(keys[i]);
    }
    const res = (await pipe.exec()) ?? [];
    missing.forEach((i, n) => {
      const flat = (res[2 * n]?.[1] as string[] | undefined) ?? [];
      const list = new Map<string, number>();
      for (let j = 0; j + 1 < flat.length; j += 2) list.set(flat[j], Number(flat[j + 1]));
      out[i] = live(list);
      const ttl = MergeStore.ttlFromPttl(Number(res[2 * n + 1]?.[1]));
      // No key: an empty list, until a commit (ours, or the token tells) creates it. A key that expired
      // between the two reads is simply not mirrored.
      if (ttl !== null) mirror.postings.set(keys[i], list, ttl);
      else if (list.size === 0) mirror.postings.set(keys[i], list);
    });
    return out;
  }

  private async loadStates(ids: string[]): Promise<Map<string, StoredState>> {
    if (!ids.length) return new Map();
    if (this.mirror) return this.loadStatesMirrored(this.mirror, ids);
    const raw = await this.redis.mget(...ids.map((id) => this.keys.mergeState(id)));
    const out = new Map<string, StoredState>();
    raw.forEach((r, i) => {
      if (r) out.set(ids[i], JSON.parse(r) as StoredState);
    });
    return out;
  }

  private async loadStatesMirrored(mirror: MergeIndexMirror, ids: string[]): Promise<Map<string, StoredState>> {
    const out = new Map<string, StoredState>();
    const missing: string[] = [];
    for (const id of ids) {
      const s = mirror.states.get(id);
      if (s) out.set(id, s);
      else missing.push(id);
    }
    if (!missing.length) return out;
    const pipe = this.redis.pipeline();
    for (const id of missing) pipe.get(this.keys.mergeState(id)).pttl(this.keys.mergeState(id));
    const res = (await pipe.exec()) ?? [];
    missing.forEach((id, i) => {
      const [[, raw], [, pttl]] = [res[2 * i], res[2 * i + 1]];
      if (typeof raw !== 'string') return;
      const s = JSON.parse(raw) as StoredState;
      out.set(id, s);
      const ttl = MergeStore.ttlFromPttl(Number(pttl));
      if (ttl !== null) mirror.states.set(id, s, ttl);
    });
    return out;
  }

  /**
   * Scores the article against candidate stories and returns what to write; nothing is written yet.
   * `epoch`: the value of `keys.mergeEpoch` if the caller read it at the start of the job (with its
   * other reads, saving a round trip); else it is read here.
   */
  async plan(features: ArticleFeatures, read: { epoch?: string | null } = {}): Promise<MergePlan> {
    // The mirror is trusted only if the last commit was this worker's (src/store/merge-mirror.ts).
    if (this.mirror) this.mirror.validate(read.epoch !== undefined ? read.epoch : await this.redis.get(this.keys.mergeEpoch));
    const articleTerms = new Set(features.terms.keys());
    // First pass: df for the article's own terms picks the lookup keys.
    const articleStats = await this.loadStats(articleTerms, articleTerms);
    const lookup = candidateKeys(features, articleStats, this.opts);
    const postings = await this.loadPostings([
      ...lookup.entityIds.map((e) => this.keys.mergeEntityIndex(e)),
      ...lookup.terms.map((t) => this.keys.mergeTermIndex(t)),
    ]);
    const hits = new Map<string, number>();
    for (const ids of postings) for (const id of ids) hits.set(id, (hits.get(id) ?? 0) + 1);
    // The same pick as the in-memory clusterer (selectCandidates). Posting scores are wall-clock
    // touch times, not story times, so the spans come from the states: the first maxCandidates', and
    // only when one of those is out of the article's reach, the rest of the pool's.
    const k = this.opts.maxCandidates;
    const pool = [...hits].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, candidatePoolSize(features, this.opts));
    const stored = await this.loadStates(pool.slice(0, k).map(([id]) => id));
    const distance = (id: string) => {
      const s = stored.get(id)?.state;
      return s ? spanDistance(features.publishedAt, s.firstAt, s.lastAt) : undefined;
    };
    const reach = reachMs(this.opts);
    if (pool.slice(0, k).some(([id]) => (distance(id) ?? Infinity) > reach)) {
      for (const [id, s] of await this.loadStates(pool.slice(k).map(([id]) => id))) stored.set(id, s);
    } else pool.length = Math.min(pool.length, k);
    const candidates = selectCandidates(pool, ([id]) => distance(id), k, this.opts)
      .map(([id]) => stored.get(id)?.state)
      .filter((s): s is StoryState => !!s);

    // Second pass: df for every term the scores touch (story centroids included). A mirrored state
    // whose terms were all looked up before (and df not emptied since) is not walked again.
    const mirror = this.mirror;
    const unchecked = mirror ? candidates.filter((s) => !mirror.dfHolds(s)) : candidates;
    const stats = withIdfCache(await this.loadStats(termsTouched(features, unchecked), articleTerms));
    if (mirror) for (const s of unchecked) mirror.markDfHeld(s);

    // With a mirror, scores read document frequencies from its dense term table, with this article
    // counted until scoring is done (its commit then counts it for good): the same bits as the df()
    // lookups above (merge parity), without a string lookup per centroid term. The section is
    // synchronous, so no other plan on this mirror ever sees the tentative count.
    const table = mirror?.terms;
    const uncount = table?.countTentatively(articleTerms);
    const scoring = table ? { ...stats, terms: table } : stats;
    const { storyId, state, absorbed, absorbedIds, previous, next, created, reason, others } = (() => {
      try {
        const decision = decideAssignment(features, candidates, scoring, this.opts);
        // Same steps as the in-memory clusterer (src/merge/clusterer.ts), story repair included.
        let storyId = decision.storyId ?? storyIdFor(features.id);
        let state = addToStory(decision.storyId ? stored.get(decision.storyId)?.state : undefined, features, storyId, this.opts);
        const absorbed: StoredState[] = [];
        for (const otherId of decision.alsoEligible) {
          const other = stored.get(otherId);
          if (!other || !shouldMergeStories(state, other.state, scoring, this.opts).merge) continue;
          const [survivor, gone] = survivorFirst(state, other.state);
          state = mergeStoryStates(survivor, gone, this.opts);
          // A story founded by this very article was never stored: nothing to redirect.
          const goneStored = gone.id === other.state.id ? other : stored.get(gone.id);
          if (goneStored) absorbed.push(goneStored);
          storyId = survivor.id;
        }
        const absorbedIds = absorbed.map((x) => x.state.id);
        // Index keys the surviving story was filed under (none if it is new); absorbed stories lose all theirs.
        const previous = stored.get(storyId);
        const next = indexKeysForStory(state, scoring, this.opts);
        const created = decision.storyId === null && storyId === storyIdFor(features.id);
        const reason: AssignmentReason = { storyId, created, ...decision.reason, ...(absorbedIds.length ? { merged: absorbedIds } : {}) };

        // Scores of the candidates not chosen, for related-story links.
        const others = candidates
          .filter((s) => s.id !== storyId && !absorbedIds.includes(s.id))
          .map((s) => {
            // Scored once by decideAssignment; the candidates' states have not changed since.
            const r = decision.scores.get(s.id) ?? scoreArticleToStory(features, s, scoring, this.opts);
            return {
              storyId: s.id,
              lastAt: s.lastAt,
              score: r.score,
              textSimilarity: r.textSimilarity,
              entityOverlap: r.entityOverlap,
              sharedEntities: r.sharedEntities,
            };
          });
        return { storyId, state, absorbed, absorbedIds, previous, next, created, reason, others };
      } finally {
        uncount?.();
      }
    })();

    const keys = this.keys;
    const opts = this.opts;
    const stateTtlSec = this.stateTtlSec;
    // Posting entries the commit removes (ZREM in Redis, and in the mirror once committed): the story from
    // the index keys it no longer has, absorbed stories from all of theirs.
    const unposted: Array<[key: string, storyId: string]> = [];
    if (previous) {
      for (const e of previous.indexed.entityIds) if (!next.entityIds.includes(e)) unposted.push([keys.mergeEntityIndex(e), storyId]);
      for (const t of previous.indexed.terms) if (!next.terms.includes(t)) unposted.push([keys.mergeTermIndex(t), storyId]);
    }
    for (const gone of absorbed) {
      if (gone.state.id === storyId) continue;
      for (const e of gone.indexed.entityIds) unposted.push([keys.mergeEntityIndex(e), gone.state.id]);
      for (const t of gone.indexed.terms) unposted.push([keys.mergeTermIndex(t), gone.state.id]);
    }
    return {
      features,
      storyId,
      created,
      reason,
      state,
      merged: absorbedIds,
      others,
      async commit(redis, extra) {
        defineMergeScripts(redis);
        const multi = redis.multi();
        const token = mirror?.nextToken() ?? randomUUID();
        // First in the MULTI: its reply (the token it replaced) says whether anyone else committed since.
        countArticle(multi, keys, token, opts.dfGenerationSize, [...articleTerms]);
        for (const [key, id] of unposted) multi.zrem(key, id);
        for (const gone of absorbed) {
          if (gone.state.id === storyId) continue;
          multi.del(keys.mergeState(gone.state.id));
          if (stateTtlSec) multi.set(keys.mergedInto(gone.state.id), storyId, 'EX', stateTtlSec);
          else multi.set(keys.mergedInto(gone.state.id), storyId);
        }
        // Postings are ordered by touch time across all stories; one script call for every posting list.
        const postingKeys = [...next.entityIds.map(keys.mergeEntityIndex), ...next.terms.map(keys.mergeTermIndex)];
        const touch = Date.now();
        const expiredBefore = stateTtlSec ? postingsExpiredBefore(touch, stateTtlSec) : undefined;
        updatePostings(multi, postingKeys, { storyId, touch, limit: opts.postingLimit, ttlSec: stateTtlSec, expiredBefore });
        const stateJson = JSON.stringify({ state, indexed: next } satisfies StoredState);
        if (stateTtlSec) multi.set(keys.mergeState(storyId), stateJson, 'EX', stateTtlSec);
        else multi.set(keys.mergeState(storyId), stateJson);
        extra(multi);
        const res = await multi.exec();
        const failed = res?.find(([err]) => err);
        if (!res || failed) throw new Error(`merge commit failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
        const [replacedToken, turned] = res[0][1] as [string | null, number];
        if (mirror && mirror.committed(replacedToken, token)) {
          // Still the only writer: apply what was just written instead of reading it back next time.
          if (turned) {
            // Every df changed: re-read them as needed (once per generation).
            mirror.dropDf();
          } else {
            if (mirror.docCount !== undefined) mirror.docCount++;
            for (const t of articleTerms) {
              const n = mirror.df.get(t);
              if (n !== undefined) mirror.setDf(t, n + 1);
            }
          }
          for (const gone of absorbed) {
            if (gone.state.id === storyId) continue;
            mirror.states.delete(gone.state.id);
            mirror.stories.delete(gone.state.id);
            mirror.merged.set(gone.state.id, storyId, stateTtlSec);
          }
          mirror.merged.set(storyId, null, stateTtlSec);
          mirror.trimTerms();
          // The posting lists as the ZREMs and the postings script left them.
          for (const [key, id] of unposted) mirror.postings.get(key)?.delete(id);
          for (const key of postingKeys) {
            const list = mirror.postings.get(key);
            if (!list) continue; // not mirrored: read from Redis when needed
            list.set(storyId, touch);
            trimPostings(list, opts.postingLimit, expiredBefore);
            mirror.postings.set(key, list, stateTtlSec || undefined);
          }
        }
        mirror?.states.set(storyId, { state, indexed: next }, stateTtlSec);
      },
    };
  }

  /**
   * Writes the story record, a versioned snapshot for publishing, and the
   * assignment, within the plan's MULTI. Also maintains the read side: the
   * per-entity and per-outlet story indexes the API filters on (entries the
   * story no longer has are removed, entries older than the record TTL are
   * trimmed) and a compact version list per story.
   */
  static writeStory(
    multi: ReturnType<Redis['multi']>,
    keys: Keyspace,
    story: Story,
    assignment: StoredAssignment,
    articleId: string,
    ttl: { recordTtlSec: number; snapshotTtlSec: number },
    previous?: Story,
  ): void {
    const score = Date.parse(story.updatedAt) || Date.now();
    const expired = score - ttl.recordTtlSec * 1000;
    const indexKeys = [
      ...story.entities.map((e) => keys.storiesByEntity(e.entityId)),
      ...story.sources.map((src) => keys.storiesBySource(src)),
    ];
    const dropped = [
      ...(previous?.entities ?? []).map((e) => keys.storiesByEntity(e.entityId)),
      ...(previous?.sources ?? []).map((src) => keys.storiesBySource(src)),
    ].filter((key) => !indexKeys.includes(key));
    // An entity or outlet that stops appearing takes its index with it.
    const adds = [...new Set(indexKeys)];
    const versionEntry = {
      version: story.version,
      updatedAt: story.updatedAt,
      articleId,
      articles: story.articles.length,
      title: story.title,
    };
    queueScript(
      multi,
      SCRIPTS.writeStory,
      5 + adds.length + dropped.length,
      keys.storyVersion(story.id, story.version),
      keys.story(story.id),
      keys.stories,
      keys.storyVersions(story.id),
      keys.assignment(articleId),
      ...adds,
      ...dropped,
      JSON.stringify(story),
      ttl.snapshotTtlSec,
      ttl.recordTtlSec,
      score,
      story.id,
      expired,
      JSON.stringify(versionEntry),
      JSON.stringify(assignment),
      adds.length,
    );
  }
}

/** The terms a decision's scores touch: the article's text and signature terms, and the candidates' centroid terms (may repeat). */
function* termsTouched(features: ArticleFeatures, candidates: StoryState[]): Generator<string> {
  yield* features.terms.keys();
  if (features.signature) yield* features.signature.keys();
  for (const s of candidates) {
    for (const t in s.termSums) yield t;
    for (const t in s.signatureSums) yield t;
  }
}

/** The ids of a mirrored posting list touched at or after `since`. */
function* idsTouchedSince(list: Map<string, number>, since: number): Generator<string> {
  for (const [id, touch] of list) if (touch >= since) yield id;
}

/**
 * The postings script's trims on a mirrored posting list: entries touched
 * before `expiredBefore` (ZREMRANGEBYSCORE), then ZREMRANGEBYRANK key 0
 * -(limit + 1), which keeps the `limit` highest (touch, id), as a sorted set
 * orders equal scores by member.
 */
function trimPostings(list: Map<string, number>, limit: number, expiredBefore?: number): void {
  if (expiredBefore !== undefined) for (const [id, touch] of list) if (touch < expiredBefore) list.delete(id);
  if (list.size <= limit) return;
  const lowestFirst = [...list].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  for (const [id] of lowestFirst.slice(0, list.size - limit)) list.delete(id);
}
