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

/** Document frequencies over every article seen so far, the current one included. */
export interface CorpusStats {
  docCount: number;
  df: (term: string) => number;
  /** Memo of idf() for one decision (docCount and df fixed meanwhile). */
  idfCache?: Map<string, number>;
  /**
   * Optional fast path for a store that keeps each term's df in a long-lived
   * cell (the in-memory clusterer): the cell must stay current, with
   * logDf === Math.log(df(term) + 1). Story centroid norms then walk cached
   * cells instead of looking up df per term; the arithmetic is the same, so
   * scores are bit-identical with and without cells (merge parity).
   */
  cell?: (term: string) => TermCell | undefined;
}

/** A term's document frequency and Math.log(df + 1), kept current by the owner. */
export interface TermCell {
  df: number;
  logDf: number;
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
  /** Stories scored per article, the ones hit by the most lookup keys. */
  maxCandidates: number;
  /** Shared terms reported in an AssignmentReason. */
  reportedSharedTerms: number;
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
  topKTerms: 300,
  candidateTerms: 15,
  candidateEntities: 5,
  indexTerms: 40,
  indexEntities: 10,
  postingLimit: 500,
  maxCandidates: 15,
  reportedSharedTerms: 8,
});

export function resolveMergeOptions(options?: Partial<MergeOptions>): MergeOptions {
  return { ...DEFAULT_MERGE_OPTIONS, ...options };
}

/**
 * Smoothed IDF, log((N + 1) / (df + 1)) + 1; never zero, so a term every
 * document shares still counts a little. Computed as idfBase(N) - log(df + 1)
 * so the cell path of centroidNorm() gives the very same bits.
 */
export function idf(term: string, stats: CorpusStats): number {
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
  return { docCount: stats.docCount, df: stats.df, idfCache: new Map(), ...(stats.cell ? { cell: stats.cell } : {}) };
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
  const text = textCosine(a.terms, s.termSums, stats, opts.reportedSharedTerms);
  const signature = a.signature && s.signatureSums ? textCosine(a.signature, s.signatureSums, stats, 0).similarity : 0;
  const entities = entityCosine(a, s, opts.minEntitySalience);
  const decay = timeDecay(a.publishedAt, s, opts);
  return {
    score: decay * (text.similarity + opts.entityWeight * entities.similarity),
    textSimilarity: text.similarity,
    signatureSimilarity: a.signature?.size && s.signatureSums && Object.keys(s.signatureSums).length ? signature : undefined,
    entityOverlap: entities.similarity,
    sharedEntities: entities.shared,
    sharedTerms: text.shared,
  };
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
): { storyId: string | null; reason: Omit<AssignmentReason, 'storyId' | 'created'>; alsoEligible: string[] } {
  let best: { story: StoryState; result: ArticleStoryScore; eligible: boolean } | undefined;
  const { threshold, minTextSimilarity } = thresholdsFor(a, opts);
  stats = stats.idfCache ? stats : withIdfCache(stats);
  const eligibleIds: Array<[string, number]> = [];
  for (const story of candidates) {
    const result = scoreArticleToStory(a, story, stats, opts);
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
  const reason = { ...(best?.result ?? { score: 0, textSimilarity: 0, entityOverlap: 0, sharedEntities: [], sharedTerms: [] }), threshold };
  const storyId = best?.eligible ? best.story.id : null;
  // The other stories the article could have joined: candidates for story repair.
  const alsoEligible = topKeys(
    eligibleIds.filter(([id]) => id !== storyId),
    eligibleIds.length,
  );
  return { storyId, reason, alsoEligible };
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
  const terms = new Map(Object.entries(absorbed.termSums));
  const similarity = textCosine(terms, survivor.termSums, stats, 0).similarity;
  let signatureOk = true;
  if (
    survivor.signatureSums &&
    absorbed.signatureSums &&
    Object.keys(survivor.signatureSums).length &&
    Object.keys(absorbed.signatureSums).length
  ) {
    const sig = textCosine(new Map(Object.entries(absorbed.signatureSums)), survivor.signatureSums, stats, 0).similarity;
    signatureOk = sig >= opts.repairMinSignatureSimilarity;
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
  const add = (x: Record<string, number> | undefined, y: Record<string, number> | undefined): Record<string, number> => {
    const out: Record<string, number> = { ...x };
    for (const k in y) out[k] = (out[k] ?? 0) + y[k];
    return out;
  };
  const times = [survivor.firstAt, survivor.lastAt, absorbed.firstAt, absorbed.lastAt].filter((t): t is number => t !== undefined);
  const signature =
    survivor.signatureSums || absorbed.signatureSums
      ? pruneTopK(add(survivor.signatureSums, absorbed.signatureSums), opts.topKTerms)
      : undefined;
  return {
    id: survivor.id,
    articleCount: survivor.articleCount + absorbed.articleCount,
    termSums: pruneTopK(add(survivor.termSums, absorbed.termSums), opts.topKTerms),
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
  const termSums: Record<string, number> = { ...s?.termSums };
  for (const [term, tf] of a.terms) termSums[term] = (termSums[term] ?? 0) + tf;

  let signatureSums: Record<string, number> | undefined;
  if (a.signature) {
    signatureSums = { ...s?.signatureSums };
    for (const [term, tf] of a.signature) signatureSums[term] = (signatureSums[term] ?? 0) + tf;
    signatureSums = pruneTopK(signatureSums, opts.topKTerms);
  }

  const entityWeights: Record<string, number> = { ...s?.entityWeights };
  for (const e of a.entities) {
    if (e.salience >= opts.minEntitySalience) entityWeights[e.entityId] = (entityWeights[e.entityId] ?? 0) + e.salience;
  }

  const times = [s?.firstAt, s?.lastAt, a.publishedAt].filter((t): t is number => t !== undefined);
  return {
    id: s?.id ?? newId,
    articleCount: (s?.articleCount ?? 0) + 1,
    termSums: pruneTopK(termSums, opts.topKTerms),
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
 * Keys under which a story should be indexed now. IDF drifts as the corpus
 * grows, so callers replace the story's previous keys with these.
 */
export function indexKeysForStory(
  s: StoryState,
  stats: CorpusStats,
  opts: MergeOptions = DEFAULT_MERGE_OPTIONS,
): { entityIds: string[]; terms: string[] } {
  const weighted = Object.entries(s.termSums).map(([term, sum]): [string, number] => [term, sum * idf(term, stats)]);
  return {
    entityIds: topKeys(Object.entries(s.entityWeights), opts.indexEntities),
    terms: topKeys(weighted, opts.indexTerms),
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
    let i = top.length === k ? k - 1 : top.length;
    if (top.length < k) top.push(entry);
    while (i > 0 && byWeightThenKey(entry, top[i - 1]) < 0) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = entry;
  }
  return top.map(([key]) => key);
}

function pruneTopK(sums: Record<string, number>, k: number): Record<string, number> {
  const entries = Object.entries(sums);
  if (entries.length <= k) return sums;
  return Object.fromEntries(entries.sort(byWeightThenKey).slice(0, k));
}

function textCosine(
  terms: Map<string, number>,
  sums: Record<string, number>,
  stats: CorpusStats,
  reported: number,
): { similarity: number; shared: string[] } {
  let dot = 0;
  let articleNorm = 0;
  const contributions: Array<[string, number]> | undefined = reported > 0 ? [] : undefined;
  for (const [term, tf] of terms) {
    const w = idf(term, stats);
    const articleWeight = tf * w;
    articleNorm += articleWeight * articleWeight;
    const sum = sums[term];
    if (sum !== undefined) {
      const product = articleWeight * sum * w;
      dot += product;
      contributions?.push([term, product]);
    }
  }
  if (dot === 0) return { similarity: 0, shared: [] };
  return {
    similarity: dot / Math.sqrt(articleNorm * centroidNorm(sums, stats)),
    shared: contributions ? topKeys(contributions, reported) : [],
  };
}

/** A centroid's terms and sums as arrays, with the df cells of one store (see CorpusStats.cell). */
interface CentroidCells {
  cell: NonNullable<CorpusStats['cell']>;
  cells: TermCell[];
  sums: Float64Array;
}

/** Keyed by the sums object: story states are never mutated, so their sums are fixed. */
const centroidCells = new WeakMap<Record<string, number>, CentroidCells>();

function cellsFor(sums: Record<string, number>, cell: NonNullable<CorpusStats['cell']>): CentroidCells | undefined {
  const cached = centroidCells.get(sums);
  if (cached && cached.cell === cell) return cached;
  const cells: TermCell[] = [];
  const values: number[] = [];
  for (const term in sums) {
    const c = cell(term);
    if (!c) return undefined;
    cells.push(c);
    values.push(sums[term]);
  }
  const built = { cell, cells, sums: Float64Array.from(values) };
  centroidCells.set(sums, built);
  return built;
}

/**
 * Squared TF-IDF norm of a centroid. It depends on every centroid term's
 * current idf, so it cannot be stored with the story; with df cells it costs a
 * multiply-add per term instead of a hash lookup and a log. Both paths add the
 * same terms in the same (for-in) order with the same arithmetic.
 */
function centroidNorm(sums: Record<string, number>, stats: CorpusStats): number {
  let norm = 0;
  const cached = stats.cell && cellsFor(sums, stats.cell);
  if (cached) {
    const base = idfBase(stats.docCount);
    const { cells, sums: values } = cached;
    for (let i = 0; i < cells.length; i++) {
      const w = values[i] * (base - cells[i].logDf);
      norm += w * w;
    }
    return norm;
  }
  for (const term in sums) {
    const w = sums[term] * idf(term, stats);
    norm += w * w;
  }
  return norm;
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

function timeDecay(publishedAt: number | undefined, s: StoryState, opts: MergeOptions): number {
  if (publishedAt === undefined || s.firstAt === undefined || s.lastAt === undefined) return 1;
  const distance = Math.max(0, s.firstAt - publishedAt, publishedAt - s.lastAt);
  const excess = distance - opts.timeWindowMs;
  return excess <= 0 ? 1 : Math.exp(-excess / opts.timeDecayMs);
}
