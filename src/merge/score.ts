/**
 * Story-merge scoring as pure functions over plain data, so the in-memory
 * clusterer and the Redis-backed merge worker make identical decisions.
 *
 * score = timeDecay × (textSimilarity + entityWeight × entityOverlap)
 *
 * - textSimilarity: TF-IDF cosine between the article and the story centroid.
 * - entityOverlap: cosine between the article's salient entities and the
 *   story's mean entity salience. It only adds a bonus: an article joins a
 *   story only if textSimilarity alone reaches minTextSimilarity, so sharing
 *   "Nvidia" never merges an earnings report with an antitrust ruling.
 * - timeDecay: 1 within timeWindowMs of the story's span, then exponential.
 */

import type { AssignmentReason } from '../types';

export interface ArticleFeatures {
  id: string;
  /** Sublinear term frequencies, see termVector(). */
  terms: Map<string, number>;
  /** Event signature: names and numbers of the body, see signatureVector(). */
  signature?: Map<string, number>;
  entities: Array<{ entityId: string; salience: number }>;
  /** Epoch ms; undefined when the article has no usable date. */
  publishedAt?: number;
}

export interface StoryState {
  id: string;
  articleCount: number;
  /** Sum of member term frequencies, pruned to the topKTerms largest. */
  termSums: Record<string, number>;
  /** Sum of member signature frequencies, pruned to the topKTerms largest. */
  signatureSums?: Record<string, number>;
  /** Sum of member salience per entity (only entities at or above minEntitySalience). */
  entityWeights: Record<string, number>;
  /** Earliest and latest member publishedAt (epoch ms). */
  firstAt?: number;
  lastAt?: number;
}

/**
 * Document frequencies over the articles counted so far (the current and the
 * previous generation, MergeOptions.dfGenerationSize), the current one included.
 */
export interface CorpusStats {
  docCount: number;
  df: (term: string) => number;
  /** Memo of idf() for one decision (docCount and df fixed meanwhile). */
  idfCache?: Map<string, number>;
  /**
   * Optional fast path for a store that keeps its df in a dense table (the
   * in-memory clusterer): the table must stay current, with
   * logDf[id(term)] === Math.log(df(term) + 1). Idf then needs no memo, and
   * centroids are walked as cached id arrays instead of string-keyed lookups;
   * the arithmetic is the same, so scores are bit-identical with and without
   * a table (merge parity).
   */
  terms?: TermTable;
}

/** Document frequencies by dense term id, kept current by the owner (see CorpusStats.terms). */
export interface TermTable {
  /** The term's id; a term never seen gets one now (df 0) and keeps it. */
  id(term: string): number;
  /** Math.log(df + 1) by term id. The owner may replace the array as the table grows: read it afresh. */
  readonly logDf: Float64Array;
  /**
   * Scratch for the scoring functions, by term id: during one decision the
   * article's text (`query`) and signature (`sigQuery`) weights, 0 otherwise.
   * Same length as logDf.
   */
  readonly query: Float64Array;
  readonly sigQuery: Float64Array;
}

export interface MergeOptions {
  /** Minimum score to join a story; below it the article founds a new story. */
  threshold: number;
  /** Minimum text similarity to join, whatever the entity overlap. */
  minTextSimilarity: number;
  /**
   * Length adaptation: an article with n distinct terms, n below this, needs
   * only threshold × sqrt(n / shortTextTerms) (and the same share of
   * minTextSimilarity). A headline-only item shares few words even with its
   * own story, so its cosine to a centroid is small for the right story too.
   */
  shortTextTerms: number;
  /** Centroid cosine at which a bridging article merges two stories (story repair); 0 disables repair. */
  repairThreshold: number;
  /** Minimum event-signature cosine between two stories' centroids for story repair (when both have one). */
  repairMinSignatureSimilarity: number;
  /** Floor of the length-adapted threshold. */
  minThreshold: number;
  /** Minimum event-signature cosine to join, when both sides have a signature. */
  minSignatureSimilarity: number;
  /** Weight of the entity-overlap bonus added to text similarity. */
  entityWeight: number;
  /** Entities less salient than this are passing mentions: ignored for overlap and lookup. */
  minEntitySalience: number;
  /** No time penalty while the article is within this distance of the story's span. */
  timeWindowMs: number;
  /** Beyond the window the score decays as exp(-excess / timeDecayMs). */
  timeDecayMs: number;
  /**
   * Follow-ups: an article whose event signature agrees this much with the
   * story's (same names, places, numbers) gets followUpWindowMs instead of
   * timeWindowMs, so charges or a trial weeks later continue the story.
   * Above 1 disables.
   */
  followUpSignatureSimilarity: number;
  /** The no-penalty window for follow-ups (see followUpSignatureSimilarity). */
  followUpWindowMs: number;
  /** Terms kept per story centroid (bounds story size in memory and in Redis). */
  topKTerms: number;
  /** Highest-weighted article terms used to look up candidate stories. */
  candidateTerms: number;
  /** Most salient article entities used to look up candidate stories. */
  candidateEntities: number;
  /** Highest-weighted story terms written to the term index. */
  indexTerms: number;
  /** Highest-weighted story entities written to the entity index. */
  indexEntities: number;
  /** Stories kept per index key, most recently updated first: bounds lookup cost on common keys. */
  postingLimit: number;
  /** Stories scored per article, the ones hit by the most lookup keys (see selectCandidates). */
  maxCandidates: number;
  /**
   * For a dated article, how many stories (by hits, then id) selectCandidates
   * looks through for maxCandidates the article can still reach. At most
   * maxCandidates (or an undated article): the maxCandidates by hits and id.
   */
  candidatePool: number;
  /** Shared terms reported in an AssignmentReason. */
  reportedSharedTerms: number;
  /**
   * Documents per document-frequency generation. Document frequencies and the
   * document count cover the current generation and the one before it
   * (between this many and twice this many articles): when the current one
   * fills up it becomes the previous one and the older one is dropped. This
   * bounds the df table (in Redis, the merge df hashes) as the vocabulary
   * grows with every new name and number, and keeps idf about recent news.
   * 0 counts every article forever.
   */
  dfGenerationSize: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Tuned on the dev streams only (ECB+, GVC, Google News titles); the sweep and
 * split-half checks are in docs/merging.md. threshold 0.16 with the event-
 * signature gate (0.15) lifts GVC without losing ECB+; the length adaptation
 * (shortTextTerms) serves headline-only streams; story repair at 0.25 with a
 * strict signature check (0.45) helps short texts and leaves long ones alone.
 * Entities can lower the bar only to minTextSimilarity, keeping shared-entity
 * distractors apart.
 */
export const DEFAULT_MERGE_OPTIONS: Readonly<MergeOptions> = Object.freeze({
  threshold: 0.16,
  minTextSimilarity: 0.14,
  entityWeight: 0.1,
  minSignatureSimilarity: 0.15,
  shortTextTerms: 24,
  repairThreshold: 0.25,
  repairMinSignatureSimilarity: 0.45,
  minThreshold: 0.06,
  minEntitySalience: 0.2,
  timeWindowMs: 3 * DAY_MS,
  timeDecayMs: 2 * DAY_MS,
  followUpSignatureSimilarity: 0.3,
  followUpWindowMs: 30 * DAY_MS,
  topKTerms: 300,
  candidateTerms: 15,
  candidateEntities: 5,
  indexTerms: 40,
  indexEntities: 10,
  postingLimit: 500,
  maxCandidates: 15,
  candidatePool: 60,
  reportedSharedTerms: 8,
  // Above every dev stream (at most 2,517 articles), so the tuned scores are those of all-time counts.
  dfGenerationSize: 100_000,
});

export function resolveMergeOptions(options?: Partial<MergeOptions>): MergeOptions {
  return { ...DEFAULT_MERGE_OPTIONS, ...options };
}

/**
 * Smoothed IDF, log((N + 1) / (df + 1)) + 1; never zero, so a term every
 * document shares still counts a little. Computed as idfBase(N) - log(df + 1)
 * so the table path (CorpusStats.terms) gives the very same bits.
 */
export function idf(term: string, stats: CorpusStats): number {
  const table = stats.terms;
  if (table) {
    const id = table.id(term);
    return idfBase(stats.docCount) - table.logDf[id];
  }
  const cached = stats.idfCache?.get(term);
  if (cached !== undefined) return cached;
  const value = idfBase(stats.docCount) - Math.log(stats.df(term) + 1);
  stats.idfCache?.set(term, value);
  return value;
}

function idfBase(docCount: number): number {
  return Math.log(docCount + 1) + 1;
}

/** The same statistics with an idf memo, for the many cosines of one decision. */
export function withIdfCache(stats: CorpusStats): CorpusStats {
  return { docCount: stats.docCount, df: stats.df, idfCache: new Map(), ...(stats.terms ? { terms: stats.terms } : {}) };
}

export interface ArticleStoryScore {
  score: number;
  signatureSimilarity?: number;
  textSimilarity: number;
  entityOverlap: number;
  sharedEntities: string[];
  sharedTerms: string[];
}

export function scoreArticleToStory(
  a: ArticleFeatures,
  s: StoryState,
  stats: CorpusStats,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): ArticleStoryScore {
  const query = articleQuery(a, stats);
  try {
    const result = scoreQuery(query, a, s, stats, opts);
    result.sharedTerms = sharedTerms(query.text, s.termSums, stats, opts.reportedSharedTerms);
    return result;
  } finally {
    releaseQuery(query.text, stats);
    if (query.signature) releaseQuery(query.signature, stats);
  }
}

/** The article's text and signature vectors, weighted once for all the cosines of a decision. */
function articleQuery(a: ArticleFeatures, stats: CorpusStats): { text: QueryVector; signature?: QueryVector } {
  const text = prepareQuery(a.terms, stats, false);
  return a.signature ? { text, signature: prepareQuery(a.signature, stats, true) } : { text };
}

/** scoreArticleToStory without the shared terms (only the chosen story's are reported). */
function scoreQuery(
  query: { text: QueryVector; signature?: QueryVector },
  a: ArticleFeatures,
  s: StoryState,
  stats: CorpusStats,
  opts: MergeOptions,
): ArticleStoryScore {
  const text = cosine(query.text, s.termSums, stats);
  const signature = query.signature && s.signatureSums ? cosine(query.signature, s.signatureSums, stats) : 0;
  const entities = entityCosine(a, s, opts.minEntitySalience);
  const signatureSimilarity = a.signature?.size && s.signatureSums && hasKeys(s.signatureSums) ? signature : undefined;
  const followUp = signatureSimilarity !== undefined && signatureSimilarity >= opts.followUpSignatureSimilarity;
  const decay = timeDecay(a.publishedAt, s, followUp ? Math.max(opts.timeWindowMs, opts.followUpWindowMs) : opts.timeWindowMs, opts);
  return {
    score: decay * (text + opts.entityWeight * entities.similarity),
    textSimilarity: text,
    signatureSimilarity,
    entityOverlap: entities.similarity,
    sharedEntities: entities.shared,
    sharedTerms: [],
  };
}

/**
 * Whether the record has an own key. Memoised by object: for-in over a large
 * (dictionary-mode) centroid collects every key before yielding the first, and
 * story sums are never mutated once built.
 */
const nonEmpty = new WeakMap<object, boolean>();
function hasKeys(record: Record<string, number>): boolean {
  let known = nonEmpty.get(record);
  if (known === undefined) {
    known = false;
    for (const key in record) {
      if (Object.hasOwn(record, key)) {
        known = true;
        break;
      }
    }
    nonEmpty.set(record, known);
  }
  return known;
}

/**
 * Picks the best-scoring candidate that clears both thresholds, or null for a
 * new story. For a new story the reason carries the closest rejected
 * candidate's figures (zeros when there was none), which explains the split.
 */
export function decideAssignment(
  a: ArticleFeatures,
  candidates: StoryState[],
  stats: CorpusStats,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): {
  storyId: string | null;
  reason: Omit<AssignmentReason, 'storyId' | 'created'>;
  alsoEligible: string[];
  /** Every candidate's score (shared terms only for the best), so callers need not score them again. */
  scores: Map<string, ArticleStoryScore>;
} {
  const scores = new Map<string, ArticleStoryScore>();
  let best: { story: StoryState; result: ArticleStoryScore; eligible: boolean } | undefined;
  const { threshold, minTextSimilarity } = thresholdsFor(a, opts);
  stats = stats.idfCache ? stats : withIdfCache(stats);
  const eligibleIds: Array<[string, number]> = [];
  const query = articleQuery(a, stats);
  try {
    for (const story of candidates) {
      const result = scoreQuery(query, a, story, stats, opts);
      scores.set(story.id, result);
      const eligible =
        result.score >= threshold &&
        result.textSimilarity >= minTextSimilarity &&
        (result.signatureSimilarity === undefined || result.signatureSimilarity >= opts.minSignatureSimilarity);
      if (eligible) eligibleIds.push([story.id, result.score]);
      // Eligible beats ineligible, then higher score, then smaller id: independent of candidate order.
      const better =
        !best ||
        (eligible !== best.eligible
          ? eligible
          : result.score !== best.result.score
            ? result.score > best.result.score
            : story.id < best.story.id);
      if (better) best = { story, result, eligible };
    }
    if (best) best.result.sharedTerms = sharedTerms(query.text, best.story.termSums, stats, opts.reportedSharedTerms);
  } finally {
    releaseQuery(query.text, stats);
    if (query.signature) releaseQuery(query.signature, stats);
  }
  const reason = { ...(best?.result ?? { score: 0, textSimilarity: 0, entityOverlap: 0, sharedEntities: [], sharedTerms: [] }), threshold };
  const storyId = best?.eligible ? best.story.id : null;
  // The other stories the article could have joined: candidates for story repair.
  const alsoEligible = topKeys(
    eligibleIds.filter(([id]) => id !== storyId),
    eligibleIds.length,
  );
  return { storyId, reason, alsoEligible, scores };
}

/**
 * Story repair: whether `absorbed` should be merged into `survivor`, once an
 * article eligible for both has joined `survivor`. Their centroids must be as
 * close as an article must be to join (repairThreshold), and their event
 * signatures must agree (minSignatureSimilarity), so a bridging article alone
 * cannot weld two events that share only a topic.
 */
export function shouldMergeStories(
  survivor: StoryState,
  absorbed: StoryState,
  stats: CorpusStats,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): { merge: boolean; similarity: number } {
  if (opts.repairThreshold <= 0) return { merge: false, similarity: 0 };
  const similarity = centroidCosine(absorbed.termSums, survivor.termSums, stats);
  let signatureOk = true;
  if (survivor.signatureSums && absorbed.signatureSums && hasKeys(survivor.signatureSums) && hasKeys(absorbed.signatureSums)) {
    signatureOk = centroidCosine(absorbed.signatureSums, survivor.signatureSums, stats) >= opts.repairMinSignatureSimilarity;
  }
  return { merge: signatureOk && similarity >= opts.repairThreshold, similarity };
}

/** Orders two stories to merge as [survivor, absorbed]: more articles first, then the earlier start, then the smaller id. */
export function survivorFirst(x: StoryState, y: StoryState): [StoryState, StoryState] {
  const xFirst =
    x.articleCount !== y.articleCount
      ? x.articleCount > y.articleCount
      : (x.firstAt ?? 0) !== (y.firstAt ?? 0)
        ? (x.firstAt ?? 0) < (y.firstAt ?? 0)
        : x.id < y.id;
  return xFirst ? [x, y] : [y, x];
}

/** The story `survivor` after absorbing `absorbed` (sums add up; the survivor keeps its id). Never mutates. */
export function mergeStoryStates(survivor: StoryState, absorbed: StoryState, opts: MergeOptions = DEFAULT_MERGE_OPTIONS): StoryState {
  const add = (x: Record<string, number> | undefined, y: Record<string, number> | undefined, k = Infinity) =>
    addSums(x, Object.entries(y ?? {}), k);
  const times = [survivor.firstAt, survivor.lastAt, absorbed.firstAt, absorbed.lastAt].filter((t): t is number => t !== undefined);
  const signature =
    survivor.signatureSums || absorbed.signatureSums ? add(survivor.signatureSums, absorbed.signatureSums, opts.topKTerms) : undefined;
  return {
    id: survivor.id,
    articleCount: survivor.articleCount + absorbed.articleCount,
    termSums: add(survivor.termSums, absorbed.termSums, opts.topKTerms),
    ...(signature ? { signatureSums: signature } : {}),
    entityWeights: add(survivor.entityWeights, absorbed.entityWeights),
    firstAt: times.length ? Math.min(...times) : undefined,
    lastAt: times.length ? Math.max(...times) : undefined,
  };
}

/** The thresholds for this article, lowered for short texts (see MergeOptions.shortTextTerms). */
export function thresholdsFor(
  a: ArticleFeatures,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): { threshold: number; minTextSimilarity: number } {
  const factor = Math.min(1, Math.sqrt(a.terms.size / opts.shortTextTerms));
  if (factor >= 1) return { threshold: opts.threshold, minTextSimilarity: opts.minTextSimilarity };
  const threshold = Math.max(Math.min(opts.minThreshold, opts.threshold), opts.threshold * factor);
  return { threshold, minTextSimilarity: Math.min(threshold, opts.minTextSimilarity * factor) };
}

/** The story after `a` joins it (or founds it, when `s` is undefined). Never mutates `s`. */
export function addToStory(
  s: StoryState | undefined,
  a: ArticleFeatures,
  newId: string,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): StoryState {
  const termSums = addSums(s?.termSums, a.terms, opts.topKTerms);
  const signatureSums = a.signature ? addSums(s?.signatureSums, a.signature, opts.topKTerms) : undefined;

  const entityWeights: Record<string, number> = { ...s?.entityWeights };
  for (const e of a.entities) {
    if (e.salience >= opts.minEntitySalience) entityWeights[e.entityId] = roundSum((entityWeights[e.entityId] ?? 0) + e.salience);
  }

  const times = [s?.firstAt, s?.lastAt, a.publishedAt].filter((t): t is number => t !== undefined);
  return {
    id: s?.id ?? newId,
    articleCount: (s?.articleCount ?? 0) + 1,
    termSums,
    ...(signatureSums ? { signatureSums } : {}),
    entityWeights,
    firstAt: times.length ? Math.min(...times) : undefined,
    lastAt: times.length ? Math.max(...times) : undefined,
  };
}

/**
 * Keys to look up in the inverted index for an article's candidate stories.
 * Terms seen in no other document cannot lead to a story, so they are skipped.
 */
export function candidateKeys(
  a: ArticleFeatures,
  stats: CorpusStats,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): { entityIds: string[]; terms: string[] } {
  const weighted: Array<[string, number]> = [];
  for (const [term, tf] of a.terms) {
    if (stats.df(term) >= 2) weighted.push([term, tf * idf(term, stats)]);
  }
  const entities = a.entities.filter((e) => e.salience >= opts.minEntitySalience).map((e): [string, number] => [e.entityId, e.salience]);
  return {
    entityIds: topKeys(entities, opts.candidateEntities),
    terms: topKeys(weighted, opts.candidateTerms),
  };
}

/**
 * How many stories, in (hits desc, id asc) order, a caller hands to
 * selectCandidates: maxCandidates for an undated article (nothing to rank the
 * ties by), else candidatePool (at least maxCandidates).
 */
export function candidatePoolSize(a: ArticleFeatures, opts: MergeOptions = DEFAULT_MERGE_OPTIONS): number {
  return a.publishedAt === undefined ? opts.maxCandidates : Math.max(opts.maxCandidates, opts.candidatePool);
}

/**
 * How far `publishedAt` lies outside the span [firstAt, lastAt] (0 inside it,
 * or when either side is undated): the distance timeDecay() penalises.
 */
export function spanDistance(publishedAt: number | undefined, firstAt: number | undefined, lastAt: number | undefined): number {
  if (publishedAt === undefined || firstAt === undefined || lastAt === undefined) return 0;
  return Math.max(0, firstAt - publishedAt, publishedAt - lastAt);
}

/**
 * The span distance beyond which no article can join a story: even a perfect
 * match (text and entity cosines 1) in the follow-up window decays below the
 * lowest threshold thresholdsFor() can give.
 */
export function reachMs(opts: MergeOptions = DEFAULT_MERGE_OPTIONS): number {
  const window = Math.max(opts.timeWindowMs, opts.followUpWindowMs);
  const lowest = Math.min(opts.minThreshold, opts.threshold);
  const best = 1 + Math.max(0, opts.entityWeight);
  return lowest > 0 ? window + opts.timeDecayMs * Math.log(best / lowest) : Infinity;
}

/**
 * The stories to score, from a pool in (hits desc, id asc) order (see
 * candidatePoolSize): the first k the article can still reach (spanDistance
 * within reachMs), then, to fill up, the unreachable ones, then those whose
 * state is missing (distance undefined), each in pool order. A stream that
 * repeats itself (quarterly results, a weekly briefing, the load corpus's
 * seasons) fills many stories with the same words and as many hits; by hits
 * and id alone the one that can still receive the article was often left out.
 * An unreachable story can never be joined, so ranking it last changes no
 * assignment except by freeing its place. When the pool's first k are all
 * reachable they are the pick, so a caller may look no further. The in-memory
 * clusterer and the Redis worker both pick through this.
 */
export function selectCandidates<T>(
  pool: readonly T[],
  distanceOf: (x: T) => number | undefined,
  k: number,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): T[] {
  if (pool.length <= k) return pool.slice();
  const reach = reachMs(opts);
  const picked: T[] = [];
  const unreachable: T[] = [];
  const missing: T[] = [];
  for (let i = 0; i < pool.length && picked.length < k; i++) {
    const distance = distanceOf(pool[i]);
    if (distance === undefined) missing.push(pool[i]);
    else if (distance > reach) unreachable.push(pool[i]);
    else picked.push(pool[i]);
  }
  for (const rest of [unreachable, missing]) for (let i = 0; i < rest.length && picked.length < k; i++) picked.push(rest[i]);
  return picked;
}

/**
 * Keys under which a story should be indexed now. IDF drifts as the corpus
 * grows, so callers replace the story's previous keys with these.
 */
export function indexKeysForStory(
  s: StoryState,
  stats: CorpusStats,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): { entityIds: string[]; terms: string[] } {
  return {
    entityIds: topKeys(Object.entries(s.entityWeights), opts.indexEntities),
    terms: topWeightedTerms(s.termSums, stats, opts.indexTerms),
  };
}

/** Descending by weight, ties by key, so every process picks the same keys. */
function byWeightThenKey(x: [string, number], y: [string, number]): number {
  return y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0);
}

/**
 * The k heaviest keys, in byWeightThenKey order (keys must be distinct). For k
 * well below the input size this keeps a sorted buffer of k instead of sorting
 * everything, with the same result: candidate lookup picks 15 of thousands.
 */
function topKeys(weighted: Iterable<[string, number]>, k: number): string[] {
  if (k <= 0) return [];
  if (Array.isArray(weighted) && weighted.length <= 4 * k) {
    return (weighted as Array<[string, number]>)
      .sort(byWeightThenKey)
      .slice(0, k)
      .map(([key]) => key);
  }
  const top: Array<[string, number]> = [];
  for (const entry of weighted) {
    if (top.length === k && byWeightThenKey(entry, top[k - 1]) >= 0) continue;
    insertTop(top, entry, k);
  }
  return top.map(([key]) => key);
}

/** Puts `entry` into `top` (sorted by byWeightThenKey, at most k long), dropping the last if full; the caller checked it belongs. */
function insertTop(top: Array<[string, number]>, entry: [string, number], k: number): void {
  let i = top.length === k ? k - 1 : top.length;
  if (top.length < k) top.push(entry);
  while (i > 0 && byWeightThenKey(entry, top[i - 1]) < 0) {
    top[i] = top[i - 1];
    i--;
  }
  top[i] = entry;
}

/**
 * `prev` plus `add` (summed per key), pruned to the k heaviest (byWeightThenKey).
 * The same keys, values and key order as spreading `prev` into a new object,
 * adding to it and, when over k, sorting its entries; built through a Map
 * because adding keys to a large object (dictionary mode) and Object.entries()
 * on it are several times slower.
 */
function addSums(prev: Record<string, number> | undefined, add: Iterable<[string, number]>, k: number): Record<string, number> {
  const acc = new Map<string, number>();
  if (prev) for (const key of Object.keys(prev)) acc.set(key, prev[key]);
  for (const [key, value] of add) acc.set(key, (acc.get(key) ?? 0) + value);
  const entries = acc.size > k ? [...acc].sort(byWeightThenKey).slice(0, k) : acc;
  const out: Record<string, number> = {};
  for (const [key, value] of entries) out[key] = roundSum(value);
  return out;
}

/**
 * Story sums are kept to 4 decimals. Full doubles (24.604035619502405) were
 * most of a story state's JSON in Redis; 4 decimals (24.604) move a cosine by
 * far less than any threshold's precision. Both merge paths build states
 * through addSums, so both round alike (merge parity).
 */
function roundSum(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}

/**
 * A vector on the article side of a cosine, weighted (tf × idf) once per
 * decision. With a term table the weights also sit in its scratch array
 * (`query`, or `sigQuery` for a signature), so a cosine walks the centroid's
 * cached term ids and reads the article weight next to the idf.
 */
interface QueryVector {
  weights: Map<string, number>;
  /** Squared norm. */
  norm: number;
  signature: boolean;
  /** Term ids whose scratch slot holds the weights (table path only), cleared by releaseQuery(). */
  ids?: number[];
}

function prepareQuery(terms: Iterable<[string, number]>, stats: CorpusStats, signature: boolean): QueryVector {
  const weights = new Map<string, number>();
  let norm = 0;
  const table = stats.terms;
  const ids: number[] | undefined = table ? [] : undefined;
  const base = idfBase(stats.docCount);
  for (const [term, tf] of terms) {
    let weight: number;
    if (table && ids) {
      // idf() by the table, without looking the term up twice.
      const id = table.id(term);
      weight = tf * (base - table.logDf[id]);
      (signature ? table.sigQuery : table.query)[id] = weight;
      ids.push(id);
    } else weight = tf * idf(term, stats);
    norm += weight * weight;
    weights.set(term, weight);
  }
  return { weights, norm, signature, ids };
}

function releaseQuery(q: QueryVector, stats: CorpusStats): void {
  if (!q.ids || !stats.terms) return;
  const scratch = q.signature ? stats.terms.sigQuery : stats.terms.query;
  for (const id of q.ids) scratch[id] = 0;
}

/**
 * Cosine between a weighted vector and a centroid (sums of member
 * frequencies, weighted by the current idf). The centroid's norm depends on
 * every one of its terms' current idf, so it cannot be stored with the story:
 * it is computed here, in the same loop as the dot product. Both paths walk
 * the centroid in the same (for-in) order with the same arithmetic, so the
 * table path gives the very same bits as the plain one (merge parity).
 */
function cosine(q: QueryVector, sums: Record<string, number>, stats: CorpusStats): number {
  let dot = 0;
  let norm = 0;
  const table = q.ids && stats.terms;
  if (table) {
    const { ids, sums: values } = centroidOf(sums, table);
    // Read after centroidOf(), which may grow the table.
    const logDf = table.logDf;
    const scratch = q.signature ? table.sigQuery : table.query;
    const base = idfBase(stats.docCount);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const x = values[i] * (base - logDf[id]);
      norm += x * x;
      const weight = scratch[id];
      if (weight !== 0) dot += weight * x;
    }
  } else {
    for (const term in sums) {
      const x = sums[term] * idf(term, stats);
      norm += x * x;
      const weight = q.weights.get(term);
      if (weight !== undefined) dot += weight * x;
    }
  }
  return dot === 0 ? 0 : dot / Math.sqrt(q.norm * norm);
}

/** Cosine between two centroids (story repair), the first one weighted as an article would be. */
function centroidCosine(x: Record<string, number>, y: Record<string, number>, stats: CorpusStats): number {
  const q = prepareQuery(Object.entries(x), stats, false);
  try {
    return cosine(q, y, stats);
  } finally {
    releaseQuery(q, stats);
  }
}

/** The terms that contribute most to the cosine, for the AssignmentReason. */
function sharedTerms(q: QueryVector, sums: Record<string, number>, stats: CorpusStats, reported: number): string[] {
  if (reported <= 0) return [];
  const contributions: Array<[string, number]> = [];
  for (const [term, weight] of q.weights) {
    const sum = sums[term];
    if (sum !== undefined) contributions.push([term, weight * (sum * idf(term, stats))]);
  }
  return topKeys(contributions, reported);
}

/** A centroid's term ids in one term table and its sums, in for-in order. */
interface CentroidArrays {
  table: TermTable;
  terms: string[];
  ids: Int32Array;
  sums: Float64Array;
}

/** Keyed by the sums object: story states are never mutated, so their sums are fixed. */
const centroidArrays = new WeakMap<Record<string, number>, CentroidArrays>();

function centroidOf(sums: Record<string, number>, table: TermTable): CentroidArrays {
  const cached = centroidArrays.get(sums);
  if (cached && cached.table === table) return cached;
  const terms = Object.keys(sums);
  const ids = new Int32Array(terms.length);
  const values = new Float64Array(terms.length);
  for (let i = 0; i < terms.length; i++) {
    ids[i] = table.id(terms[i]);
    values[i] = sums[terms[i]];
  }
  const built = { table, terms, ids, sums: values };
  centroidArrays.set(sums, built);
  return built;
}

/**
 * The k terms of a centroid with the highest TF-IDF weight (sum × current
 * idf), in byWeightThenKey order: topKeys over the weighted centroid. With a
 * term table the weights come from the cached arrays and only the k kept
 * terms are ever paired with their weight (byWeightThenKey is a total order
 * on distinct keys, so the selection and its order are the same).
 */
function topWeightedTerms(sums: Record<string, number>, stats: CorpusStats, k: number): string[] {
  const table = stats.terms;
  if (!table)
    return topKeys(
      Object.entries(sums).map(([term, sum]): [string, number] => [term, sum * idf(term, stats)]),
      k,
    );
  if (k <= 0) return [];
  const { terms, ids, sums: values } = centroidOf(sums, table);
  const logDf = table.logDf;
  const base = idfBase(stats.docCount);
  const top: Array<[string, number]> = [];
  for (let i = 0; i < ids.length; i++) {
    const weight = values[i] * (base - logDf[ids[i]]);
    if (top.length === k) {
      const last = top[k - 1];
      if (weight < last[1] || (weight === last[1] && terms[i] > last[0])) continue;
    }
    insertTop(top, [terms[i], weight], k);
  }
  return top.map(([term]) => term);
}

function entityCosine(a: ArticleFeatures, s: StoryState, minSalience: number): { similarity: number; shared: string[] } {
  let dot = 0;
  let articleNorm = 0;
  const contributions: Array<[string, number]> = [];
  for (const e of a.entities) {
    if (e.salience < minSalience) continue;
    articleNorm += e.salience * e.salience;
    const storyWeight = s.entityWeights[e.entityId];
    if (storyWeight !== undefined) {
      dot += e.salience * storyWeight;
      contributions.push([e.entityId, e.salience * storyWeight]);
    }
  }
  if (dot === 0) return { similarity: 0, shared: [] };
  let storyNorm = 0;
  for (const id in s.entityWeights) storyNorm += s.entityWeights[id] * s.entityWeights[id];
  return {
    similarity: dot / Math.sqrt(articleNorm * storyNorm),
    shared: topKeys(contributions, contributions.length),
  };
}

function timeDecay(publishedAt: number | undefined, s: StoryState, windowMs: number, opts: MergeOptions): number {
  if (publishedAt === undefined || s.firstAt === undefined || s.lastAt === undefined) return 1;
  const distance = Math.max(0, s.firstAt - publishedAt, publishedAt - s.lastAt);
  const excess = distance - windowMs;
  return excess <= 0 ? 1 : Math.exp(-excess / opts.timeDecayMs);
}
