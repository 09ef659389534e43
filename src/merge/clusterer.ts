/**
 * In-memory online story clusterer: a thin wrapper that keeps document
 * frequencies, stories and an inverted index, and delegates every decision to
 * the pure functions in ./score (which the Redis merge worker shares).
 */

import { createHash } from 'node:crypto';
import type { AssignmentReason } from '../types';
import {
  addToStory,
  candidateKeys,
  candidatePoolSize,
  decideAssignment,
  indexKeysForStory,
  mergeStoryStates,
  reachMs,
  resolveMergeOptions,
  selectCandidates,
  shouldMergeStories,
  spanDistance,
  survivorFirst,
  withIdfCache,
  type ArticleFeatures,
  type CorpusStats,
  type MergeOptions,
  type StoryState,
} from './score';
import { articleFeatures } from './features';
import { DenseTermTable } from './term-table';

type FeatureEntity = { entityId: string; salience: number };
export type EntityTagger = (text: string, opts: { title?: string }) => { entities: FeatureEntity[] };

export interface ClustererArticle {
  id: string;
  title: string;
  text: string;
  /** ISO 8601; missing (undefined or null) or unparseable dates disable time decay for the article. */
  publishedAt?: string | null;
  url?: string;
  source?: string;
  /** When absent, the clusterer tags the text itself. */
  entities?: FeatureEntity[];
}

export interface StoryClusterer {
  /** Assigns the article to a story and returns the story id. Re-adding an article returns its story (unless that story was closed: ClustererOptions.maxStories). */
  add(article: ClustererArticle): string;
  /** Why each article joined (or founded) its story, as decided when it arrived. */
  reasons(): Map<string, AssignmentReason>;
  /** One article's reason (reasons() copies them all). */
  reasonOf(articleId: string): AssignmentReason | undefined;
  /**
   * Every article's story now, after any story repair: article id → story id.
   * This is the shape the shared clustering scorer reads as its "final"
   * assignments (../shared/tools/clustering-score), so the clusterer can be
   * handed to it as it is.
   */
  assignments(): Map<string, string>;
  /** The article's story now, after any story repair (undefined for an unknown article). */
  storyOf(articleId: string): string | undefined;
  /** Story repair so far: absorbed story id → surviving story id. */
  merged(): Map<string, string>;
  stories(): StoryState[];
}

/** Options of the in-memory clusterer that the Redis merge path has no use for. */
export interface ClustererOptions {
  /** Tagger for articles that come without entities (default: the bundled one). */
  tag?: EntityTagger;
  /**
   * Keep at most this many stories open (default: no limit). When a new story would exceed it, the story that
   * went longest without a new article is closed: it leaves the index, so no later article joins it, and its
   * articles' reasons and assignments are forgotten (`onStoryClosed` then receives the story and its article ids). This bounds memory in
   * a long-running process. The merge worker bounds its Redis index by the record TTL instead.
   */
  maxStories?: number;
  /**
   * Called with each closed story and its article ids (those of stories it absorbed by repair included; not
   * necessarily in arrival order), e.g. to persist them; at the end of the add() that closed it. An error it throws is
   * rethrown by that add(), after the article was assigned. Re-adding an article of a closed story treats it
   * as new; if it founded that story, the new story gets the same id (ids derive from the founding article),
   * so dedupe articles before add(), as the pipeline does.
   */
  onStoryClosed?: (story: StoryState, articleIds: string[]) => void;
}

/** Deterministic story id: the same founding article always yields the same id. */
export function storyIdFor(foundingArticleId: string): string {
  return 's' + createHash('sha256').update(foundingArticleId).digest('hex').slice(0, 16);
}

export function createStoryClusterer(options: Partial<MergeOptions> & ClustererOptions = {}): StoryClusterer {
  const { tag, maxStories, onStoryClosed, ...mergeOptions } = options;
  const opts = resolveMergeOptions(mergeOptions);
  if (maxStories !== undefined && !(Number.isInteger(maxStories) && maxStories >= 1)) {
    throw new RangeError(`maxStories must be a positive integer, got ${maxStories}`);
  }

  const terms = new DenseTermTable();
  /** Documents counted in df: this generation's and the previous one's (MergeOptions.dfGenerationSize). */
  let docCount = 0;
  let generationDocs = 0;
  const stats: CorpusStats = {
    get docCount() {
      return docCount;
    },
    df: (term) => terms.df(term),
    terms,
  };

  const storiesById = new Map<string, StoryState>();
  const entityIndex = new PostingIndex(opts.postingLimit);
  const termIndex = new PostingIndex(opts.postingLimit);
  const indexedKeys = new Map<string, { entityIds: string[]; terms: string[] }>();
  const reasons = new Map<string, AssignmentReason>();
  /** Story repair: absorbed story id → the story it was merged into. */
  const mergedInto = new Map<string, string>();
  let tagger: EntityTagger | undefined | null = tag ?? null;
  /**
   * With maxStories only: each open story's article ids, kept from least to most recently updated story (a
   * Map keeps insertion order; an update moves the story to the end), and the ids absorbed into it by repair.
   */
  const bounded = maxStories !== undefined;
  const membersOf = new Map<string, string[]>();
  const absorbedBy = new Map<string, string[]>();
  const freeHandles: number[] = [];
  /** Stories closed during this add(), handed to onStoryClosed once the clusterer is consistent again. */
  const closedNow: Array<[StoryState, string[]]> = [];

  function entitiesFor(article: ClustererArticle): FeatureEntity[] {
    if (article.entities) return article.entities;
    if (tagger === null) tagger = loadDefaultTagger();
    return tagger ? tagger(article.text, { title: article.title }).entities : [];
  }

  /**
   * Postings hold small integer handles, not story ids, so the walk over up to
   * (candidateTerms + candidateEntities) × postingLimit entries counts hits in
   * a typed array instead of a string-keyed map. Handles are never reused.
   */
  const handleOf = new Map<string, number>();
  const idOf: string[] = [];
  /** Per handle, a number ordered as the story id is (see idOrderKey), so ties need no string comparison. */
  let orderKeys = new Float64Array(1024);
  let hitCounts = new Int32Array(1024);
  /** Per handle, the story's span (NaN: undated), so candidate selection reads no story state. */
  let firstAts = new Float64Array(1024).fill(NaN);
  let lastAts = new Float64Array(1024).fill(NaN);
  function setSpan(story: StoryState): void {
    const h = handle(story.id);
    if (h >= firstAts.length) {
      const size = Math.max(h + 1, firstAts.length * 2);
      const grow = (old: Float64Array) => {
        const grown = new Float64Array(size).fill(NaN);
        grown.set(old);
        return grown;
      };
      firstAts = grow(firstAts);
      lastAts = grow(lastAts);
    }
    firstAts[h] = story.firstAt ?? NaN;
    lastAts[h] = story.lastAt ?? NaN;
  }
  const touched: number[] = [];
  function handle(storyId: string): number {
    let h = handleOf.get(storyId);
    if (h === undefined) {
      // With maxStories, handles of closed and absorbed stories are reused, so these arrays stay as large as
      // the open stories. (No posting still holds a freed handle: unindex removed them all.)
      const reused = freeHandles.pop();
      if (reused !== undefined) {
        h = reused;
        idOf[h] = storyId;
        if (h < firstAts.length) firstAts[h] = lastAts[h] = NaN;
      } else {
        h = idOf.length;
        idOf.push(storyId);
      }
      handleOf.set(storyId, h);
      if (h >= orderKeys.length) {
        const grown = new Float64Array(orderKeys.length * 2);
        grown.set(orderKeys);
        orderKeys = grown;
      }
      orderKeys[h] = idOrderKey(storyId);
    }
    return h;
  }

  /** A story left the index for good (closed, or absorbed by repair): its handle may serve another story. */
  function releaseHandle(storyId: string): void {
    const h = handleOf.get(storyId);
    if (h === undefined) return;
    handleOf.delete(storyId);
    idOf[h] = '';
    freeHandles.push(h);
  }

  function candidatesFor(features: ArticleFeatures): StoryState[] {
    const keys = candidateKeys(features, stats, opts);
    if (hitCounts.length < idOf.length) {
      const grown = new Int32Array(Math.max(idOf.length, hitCounts.length * 2));
      grown.set(hitCounts);
      hitCounts = grown;
    }
    const counts = hitCounts;
    touched.length = 0;
    const count = (handles: Set<number> | undefined) => {
      if (handles) for (const h of handles) if (counts[h]++ === 0) touched.push(h);
    };
    for (const id of keys.entityIds) count(entityIndex.get(id));
    for (const term of keys.terms) count(termIndex.get(term));
    // Score only the stories that share the most keys (by id on ties, deterministic); for a dated
    // article, from a larger pool the ones it can still reach first (selectCandidates).
    const order = orderKeys;
    const before = (x: number, y: number) => {
      if (counts[x] !== counts[y]) return counts[x] > counts[y];
      // Smaller id first; the order keys decide unless equal or NaN, then the ids themselves.
      if (order[x] < order[y]) return true;
      if (order[x] > order[y]) return false;
      return idOf[x] < idOf[y];
    };
    const best = (k: number): number[] => {
      const top: number[] = [];
      for (const h of touched) {
        if (top.length === k && !before(h, top[k - 1])) continue;
        let i = top.length === k ? k - 1 : top.length;
        if (top.length < k) top.push(h);
        for (; i > 0 && before(h, top[i - 1]); i--) top[i] = top[i - 1];
        top[i] = h;
      }
      return top;
    };
    const at = features.publishedAt;
    const distance = (h: number) => (at === undefined ? 0 : spanDistance(at, spanOf(firstAts, h), spanOf(lastAts, h)));
    // The first maxCandidates of the pool; the whole pool only when one of them is out of reach.
    const k = opts.maxCandidates;
    let top = best(k);
    const reach = reachMs(opts);
    if (touched.length > k && top.some((h) => distance(h) > reach)) top = best(candidatePoolSize(features, opts));
    const picked = k > 0 ? selectCandidates(top, distance, k, opts) : [];
    for (const h of touched) counts[h] = 0;
    return picked.map((h) => storiesById.get(idOf[h]) as StoryState);
  }

  function unindex(storyId: string): void {
    const previous = indexedKeys.get(storyId);
    if (!previous) return;
    entityIndex.removeAll(handle(storyId), previous.entityIds);
    termIndex.removeAll(handle(storyId), previous.terms);
    indexedKeys.delete(storyId);
  }

  /** Follows story-repair merges to the surviving story. */
  function resolve(storyId: string): string {
    let id = storyId;
    for (let next = mergedInto.get(id); next !== undefined; next = mergedInto.get(id)) id = next;
    return id;
  }

  /** Closes the story updated longest ago while more than maxStories are open (see ClustererOptions). */
  function closeOldStories(): void {
    while (maxStories !== undefined && storiesById.size > maxStories) {
      const [oldest, articleIds] = membersOf.entries().next().value as [string, string[]];
      membersOf.delete(oldest);
      const story = storiesById.get(oldest);
      if (!story) continue;
      storiesById.delete(oldest);
      unindex(oldest);
      releaseHandle(oldest);
      closedNow.push([story, articleIds]);
      for (const articleId of articleIds) reasons.delete(articleId);
      for (const absorbed of absorbedBy.get(oldest) ?? []) mergedInto.delete(absorbed);
      absorbedBy.delete(oldest);
    }
  }

  /**
   * Hands the stories closed by this add() to onStoryClosed, after the clusterer is consistent again: a
   * callback that throws cannot leave a half-closed story behind, and the others are still called. The first
   * error is rethrown from add() (the article has been assigned by then).
   */
  function notifyClosed(): void {
    const closed = closedNow.splice(0);
    let failure: unknown;
    for (const [story, articleIds] of closed) {
      try {
        onStoryClosed?.(story, articleIds);
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  }

  function reindex(story: StoryState, current: CorpusStats): void {
    const previous = indexedKeys.get(story.id);
    const next = indexKeysForStory(story, current, opts);
    if (previous) {
      entityIndex.removeAll(handle(story.id), without(previous.entityIds, next.entityIds));
      termIndex.removeAll(handle(story.id), without(previous.terms, next.terms));
    }
    entityIndex.touchAll(handle(story.id), next.entityIds);
    termIndex.touchAll(handle(story.id), next.terms);
    indexedKeys.set(story.id, next);
  }

  return {
    add(article) {
      const known = reasons.get(article.id);
      if (known) return resolve(known.storyId);

      const features = articleFeatures({ ...article, entities: entitiesFor(article) });
      // Count the article before scoring so its own terms have a defined IDF.
      docCount++;
      generationDocs++;
      terms.countDocument(features.terms.keys());

      const now = withIdfCache(stats);
      const decision = decideAssignment(features, candidatesFor(features), now, opts);
      let storyId = decision.storyId ?? storyIdFor(article.id);
      let story = addToStory(storiesById.get(storyId), features, storyId, opts);
      const absorbedIds: string[] = [];
      for (const otherId of decision.alsoEligible) {
        const other = storiesById.get(otherId);
        if (!other || !shouldMergeStories(story, other, now, opts).merge) continue;
        // The larger story survives (then the older id): fewer articles change story.
        const [survivor, absorbed] = survivorFirst(story, other);
        story = mergeStoryStates(survivor, absorbed, opts);
        if (storiesById.delete(absorbed.id)) {
          // (A story founded by this very article was never filed: nothing to redirect.)
          unindex(absorbed.id);
          mergedInto.set(absorbed.id, survivor.id);
          absorbedIds.push(absorbed.id);
        }
        if (bounded) {
          // The survivor carries the absorbed story's articles and redirects, for when it is closed.
          releaseHandle(absorbed.id);
          const members = [...(membersOf.get(survivor.id) ?? []), ...(membersOf.get(absorbed.id) ?? [])];
          membersOf.set(survivor.id, members);
          membersOf.delete(absorbed.id);
          const redirects = [...(absorbedBy.get(survivor.id) ?? []), absorbed.id, ...(absorbedBy.get(absorbed.id) ?? [])];
          absorbedBy.set(survivor.id, redirects);
          absorbedBy.delete(absorbed.id);
        }
        storyId = survivor.id;
      }
      storiesById.set(storyId, story);
      setSpan(story);
      reindex(story, now);
      reasons.set(article.id, {
        storyId,
        created: decision.storyId === null && storyId === storyIdFor(article.id),
        ...decision.reason,
        ...(absorbedIds.length ? { merged: absorbedIds } : {}),
      });
      if (bounded) {
        // Re-inserted: the story just updated moves to the end of the order.
        const members = membersOf.get(storyId) ?? [];
        membersOf.delete(storyId);
        members.push(article.id);
        membersOf.set(storyId, members);
        closeOldStories();
      }
      // After the decision, as the merge commit's script rotates after counting (merge parity).
      if (opts.dfGenerationSize > 0 && generationDocs >= opts.dfGenerationSize) {
        terms.rotateGeneration();
        docCount = generationDocs;
        generationDocs = 0;
      }
      if (closedNow.length) notifyClosed();
      return storyId;
    },
    reasons: () => new Map(reasons),
    reasonOf: (articleId) => reasons.get(articleId),
    assignments: () => new Map([...reasons].map(([articleId, r]) => [articleId, resolve(r.storyId)])),
    storyOf: (articleId) => {
      const r = reasons.get(articleId);
      return r ? resolve(r.storyId) : undefined;
    },
    merged: () => new Map([...mergedInto.keys()].map((id) => [id, resolve(id)])),
    stories: () => [...storiesById.values()],
  };
}

/** A span bound from the per-handle arrays: NaN (undated) as undefined. */
function spanOf(times: Float64Array, h: number): number | undefined {
  const t = times[h];
  return Number.isNaN(t) ? undefined : t;
}

/**
 * A number ordered as story ids are, for ids of storyIdFor()'s shape ("s" and
 * 16 hex digits): the first 13 hex digits, exact in a double. Other ids get
 * NaN, which compares neither less nor greater, so the ids decide.
 */
function idOrderKey(id: string): number {
  return /^s[0-9a-f]{16}$/.test(id) ? parseInt(id.slice(1, 14), 16) : NaN;
}

/** The tagger is another module and may be absent in a partial build; then there are no entities. */
function loadDefaultTagger(): EntityTagger | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../tag/tagger') as { tagEntities?: EntityTagger }).tagEntities;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && /tag[\\/]tagger/.test(String(err));
    if (missing) return undefined;
    throw err;
  }
}

function without(keys: string[], keep: string[]): string[] {
  const kept = new Set(keep);
  return keys.filter((k) => !kept.has(k));
}

/**
 * key → story handles, most recently touched last. Each list is capped so a
 * ubiquitous key ("China") cannot make lookups grow with the archive; the
 * stories dropped are the ones longest without a new article.
 */
class PostingIndex {
  private readonly postings = new Map<string, Set<number>>();

  constructor(private readonly limit: number) {}

  get(key: string): Set<number> | undefined {
    return this.postings.get(key);
  }

  touchAll(storyId: number, keys: string[]): void {
    for (const key of keys) {
      let ids = this.postings.get(key);
      if (!ids) this.postings.set(key, (ids = new Set()));
      ids.delete(storyId); // re-insert to move it to the most recent end
      ids.add(storyId);
      if (ids.size > this.limit) ids.delete(ids.values().next().value as number);
    }
  }

  removeAll(storyId: number, keys: string[]): void {
    for (const key of keys) {
      const ids = this.postings.get(key);
      if (!ids) continue;
      ids.delete(storyId);
      if (ids.size === 0) this.postings.delete(key);
    }
  }
}
