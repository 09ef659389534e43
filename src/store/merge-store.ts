import type { Redis } from 'ioredis';
import {
  candidateKeys,
  decideAssignment,
  addToStory,
  indexKeysForStory,
  scoreArticleToStory,
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
  /** Candidate stories that were not chosen, with their scores (for "how we got here"). */
  others: Array<{ storyId: string; score: number; textSimilarity: number; entityOverlap: number; sharedEntities: string[]; lastAt?: number }>;
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
  ) {}

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
    const candidateIds = [...hits]
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
      .slice(0, this.opts.maxCandidates)
      .map(([id]) => id);
    const stored = await this.loadStates(candidateIds);
    const candidates = candidateIds.map((id) => stored.get(id)?.state).filter((s): s is StoryState => !!s);

    // Second pass: df for every term the scores touch (story centroids included).
    const allTerms = new Set(articleTerms);
    for (const s of candidates) for (const t of Object.keys(s.termSums)) allTerms.add(t);
    const stats = await this.loadStats(allTerms, articleTerms);

    const decision = decideAssignment(features, candidates, stats, this.opts);
    const storyId = decision.storyId ?? storyIdFor(features.id);
    const previous = decision.storyId ? stored.get(decision.storyId) : undefined;
    const state = addToStory(previous?.state, features, storyId, this.opts);
    const next = indexKeysForStory(state, stats, this.opts);
    const reason: AssignmentReason = { storyId, created: !decision.storyId, ...decision.reason };

    // Scores of the candidates not chosen, for related-story links.
    const others = candidates
      .filter((s) => s.id !== storyId)
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
    return {
      features,
      storyId,
      created: !decision.storyId,
      reason,
      state,
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
        // A shared counter orders postings by recency of touch across all stories.
        const touch = Date.now();
        for (const e of next.entityIds) {
          multi.zadd(keys.mergeEntityIndex(e), touch, storyId);
          multi.zremrangebyrank(keys.mergeEntityIndex(e), 0, -(opts.postingLimit + 1));
        }
        for (const t of next.terms) {
          multi.zadd(keys.mergeTermIndex(t), touch, storyId);
          multi.zremrangebyrank(keys.mergeTermIndex(t), 0, -(opts.postingLimit + 1));
        }
        multi.set(keys.mergeState(storyId), JSON.stringify({ state, indexed: next } satisfies StoredState));
        extra(multi);
        const res = await multi.exec();
        const failed = res?.find(([err]) => err);
        if (!res || failed) throw new Error(`merge commit failed: ${failed?.[0]?.message ?? 'transaction aborted'}`);
      },
    };
  }

  /** Writes the story record, a versioned snapshot for publishing, and the assignment, within the plan's MULTI. */
  static writeStory(
    multi: ReturnType<Redis['multi']>,
    keys: Keyspace,
    story: Story,
    assignment: StoredAssignment,
    articleId: string,
    ttl: { recordTtlSec: number; snapshotTtlSec: number },
  ): void {
    const json = JSON.stringify(story);
    multi.set(keys.story(story.id), json, 'EX', ttl.recordTtlSec);
    multi.set(keys.storyVersion(story.id, story.version), json, 'EX', ttl.snapshotTtlSec);
    multi.zadd(keys.stories, Date.parse(story.updatedAt) || Date.now(), story.id);
    multi.set(keys.assignment(articleId), JSON.stringify(assignment), 'EX', ttl.recordTtlSec);
  }
}
