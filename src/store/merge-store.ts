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

/*
 * The merge stage's index in Redis, so any merge worker can restart or move.
 * It mirrors the in-memory clusterer (src/merge/clusterer.ts) decision for
 * decision, using the same pure scoring functions:
 *   - document frequencies: hash term → df, plus a document counter;
 *   - story states: JSON per story, with the index keys it was filed under;
 *   - posting lists: one sorted set per entity/term, scored by a touch counter
 *     and trimmed to postingLimit, so lookups stay flat as stories accumulate.
 *
 * Concurrency: the merge queue has BullMQ global concurrency 1 (see
 * queues/index.ts), so there is a single writer at any time across all hosts;
 * reads-then-MULTI below rely on it. The MULTI makes each assignment
 * all-or-nothing, so a crash leaves either no trace or a complete one.
 */

interface StoredState {
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

export interface StoredAssignment {
  reason: AssignmentReason;
  storyVersion: number;
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
  ) {}

  /** Follows story-repair merges to the surviving story id. */
  async resolveStory(storyId: string): Promise<string> {
    let id = storyId;
    for (let hops = 0; hops < 100; hops++) {
      const next = await this.redis.hget(this.keys.mergeMerged, id);
      if (!next) break;
      id = next;
    }
    return id;
  }

  async getAssignment(articleId: string): Promise<StoredAssignment | undefined> {
    const raw = await this.redis.get(this.keys.assignment(articleId));
    return raw ? (JSON.parse(raw) as StoredAssignment) : undefined;
  }

  private async loadStats(terms: Iterable<string>, articleTerms: Set<string>): Promise<CorpusStats> {
    const list = [...new Set(terms)];
    const [docCountRaw, dfValues] = await Promise.all([
      this.redis.get(this.keys.mergeDocCount),
      list.length ? this.redis.hmget(this.keys.mergeDf, ...list) : Promise.resolve([] as Array<string | null>),
    ]);
    const df = new Map<string, number>();
    list.forEach((t, i) => df.set(t, Number(dfValues[i] ?? 0)));
    // The article is counted before scoring, as in the in-memory clusterer.
    const docCount = Number(docCountRaw ?? 0) + 1;
    return { docCount, df: (t) => (df.get(t) ?? 0) + (articleTerms.has(t) ? 1 : 0) };
  }

  private async loadStates(ids: string[]): Promise<Map<string, StoredState>> {
    if (!ids.length) return new Map();
    const raw = await this.redis.mget(...ids.map((id) => this.keys.mergeState(id)));
    const out = new Map<string, StoredState>();
    raw.forEach((r, i) => {
      if (r) out.set(ids[i], JSON.parse(r) as StoredState);
    });
    return out;
  }

  /** Scores the article against candidate stories and returns what to write; nothing is written yet. */
  async plan(features: ArticleFeatures): Promise<MergePlan> {
    const articleTerms = new Set(features.terms.keys());
    // First pass: df for the article's own terms picks the lookup keys.
    const articleStats = await this.loadStats(articleTerms, articleTerms);
    const lookup = candidateKeys(features, articleStats, this.opts);
    const pipe = this.redis.pipeline();
    for (const e of lookup.entityIds) pipe.zrevrange(this.keys.mergeEntityIndex(e), 0, -1);
    for (const t of lookup.terms) pipe.zrevrange(this.keys.mergeTermIndex(t), 0, -1);
    const postings = ((await pipe.exec()) ?? []).map(([, ids]) => (ids as string[]) ?? []);
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

    // Second pass: df for every term the scores touch (story centroids included).
    const allTerms = new Set(articleTerms);
    for (const s of candidates) {
      for (const t of Object.keys(s.termSums)) allTerms.add(t);
      for (const t of Object.keys(s.signatureSums ?? {})) allTerms.add(t);
    }
    for (const t of features.signature?.keys() ?? []) allTerms.add(t);
    const stats = withIdfCache(await this.loadStats(allTerms, articleTerms));

    const decision = decideAssignment(features, candidates, stats, this.opts);
    // Same steps as the in-memory clusterer (src/merge/clusterer.ts), story repair included.
    let storyId = decision.storyId ?? storyIdFor(features.id);
    let state = addToStory(decision.storyId ? stored.get(decision.storyId)?.state : undefined, features, storyId, this.opts);
    const absorbed: StoredState[] = [];
    for (const otherId of decision.alsoEligible) {
      const other = stored.get(otherId);
      if (!other || !shouldMergeStories(state, other.state, stats, this.opts).merge) continue;
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
    const next = indexKeysForStory(state, stats, this.opts);
    const created = decision.storyId === null && storyId === storyIdFor(features.id);
    const reason: AssignmentReason = { storyId, created, ...decision.reason, ...(absorbedIds.length ? { merged: absorbedIds } : {}) };

    // Scores of the candidates not chosen, for related-story links.
    const others = candidates
      .filter((s) => s.id !== storyId && !absorbedIds.includes(s.id))
      .map((s) => {
        const r = scoreArticleToStory(features, s, stats, this.opts);
        return {
          storyId: s.id,
          lastAt: s.lastAt,
          score: r.score,
          textSimilarity: r.textSimilarity,
          entityOverlap: r.entityOverlap,
          sharedEntities: r.sharedEntities,
        };
      });

    const keys = this.keys;
    const opts = this.opts;
    const stateTtlSec = this.stateTtlSec;
    return {
      features,
      storyId,
      created,
      reason,
      state,
      merged: absorbedIds,
      others,
      async commit(redis, extra) {
        const multi = redis.multi();
        multi.incr(keys.mergeDocCount);
        for (const t of articleTerms) multi.hincrby(keys.mergeDf, t, 1);
        if (previous) {
          const stale = (a: string[], b: string[]) => a.filter((k) => !b.includes(k));
          for (const e of stale(previous.indexed.entityIds, next.entityIds)) multi.zrem(keys.mergeEntityIndex(e), storyId);
          for (const t of stale(previous.indexed.terms, next.terms)) multi.zrem(keys.mergeTermIndex(t), storyId);
        }
        for (const gone of absorbed) {
          if (gone.state.id === storyId) continue;
          for (const e of gone.indexed.entityIds) multi.zrem(keys.mergeEntityIndex(e), gone.state.id);
          for (const t of gone.indexed.terms) multi.zrem(keys.mergeTermIndex(t), gone.state.id);
          multi.del(keys.mergeState(gone.state.id));
          multi.hset(keys.mergeMerged, gone.state.id, storyId);
        }
        // A shared counter orders postings by recency of touch across all stories.
        const touch = Date.now();
        const ttl = stateTtlSec;
        for (const e of next.entityIds) {
          multi.zadd(keys.mergeEntityIndex(e), touch, storyId);
          multi.zremrangebyrank(keys.mergeEntityIndex(e), 0, -(opts.postingLimit + 1));
          if (ttl) multi.expire(keys.mergeEntityIndex(e), ttl);
        }
        for (const t of next.terms) {
          multi.zadd(keys.mergeTermIndex(t), touch, storyId);
          multi.zremrangebyrank(keys.mergeTermIndex(t), 0, -(opts.postingLimit + 1));
          if (ttl) multi.expire(keys.mergeTermIndex(t), ttl);
        }
        const stateJson = JSON.stringify({ state, indexed: next } satisfies StoredState);
        if (ttl) multi.set(keys.mergeState(storyId), stateJson, 'EX', ttl);
        else multi.set(keys.mergeState(storyId), stateJson);
        extra(multi);
        const res = await multi.exec();
        const failed = res?.find(([err]) => err);
        if (!res || failed) throw new Error(`merge commit failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
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
    const json = JSON.stringify(story);
    const score = Date.parse(story.updatedAt) || Date.now();
    const expired = score - ttl.recordTtlSec * 1000;
    multi.set(keys.story(story.id), json, 'EX', ttl.recordTtlSec);
    multi.set(keys.storyVersion(story.id, story.version), json, 'EX', ttl.snapshotTtlSec);
    multi.zadd(keys.stories, score, story.id);
    // Story records expire after the record TTL: so do their entries in the listing.
    multi.zremrangebyscore(keys.stories, '-inf', `(${expired}`);
    const indexKeys = [
      ...story.entities.map((e) => keys.storiesByEntity(e.entityId)),
      ...story.sources.map((src) => keys.storiesBySource(src)),
    ];
    const dropped = [
      ...(previous?.entities ?? []).map((e) => keys.storiesByEntity(e.entityId)),
      ...(previous?.sources ?? []).map((src) => keys.storiesBySource(src)),
    ].filter((key) => !indexKeys.includes(key));
    for (const key of dropped) multi.zrem(key, story.id);
    for (const key of new Set(indexKeys)) {
      multi.zadd(key, score, story.id);
      multi.zremrangebyscore(key, '-inf', `(${expired}`);
      // An entity or outlet that stops appearing takes its index with it.
      multi.expire(key, ttl.recordTtlSec);
    }
    multi.rpush(
      keys.storyVersions(story.id),
      JSON.stringify({
        version: story.version,
        updatedAt: story.updatedAt,
        articleId,
        articles: story.articles.length,
        title: story.title,
      }),
    );
    multi.expire(keys.storyVersions(story.id), ttl.recordTtlSec);
    multi.set(keys.assignment(articleId), JSON.stringify(assignment), 'EX', ttl.recordTtlSec);
  }
}
