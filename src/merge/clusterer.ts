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
  decideAssignment,
  indexKeysForStory,
  mergeStoryStates,
  resolveMergeOptions,
  shouldMergeStories,
  survivorFirst,
  withIdfCache,
  type ArticleFeatures,
  type CorpusStats,
  type MergeOptions,
  type StoryState,
  type TermCell,
} from './score';
import { articleFeatures } from './features';

type FeatureEntity = { entityId: string; salience: number };
export type EntityTagger = (text: string, opts: { title?: string }) => { entities: FeatureEntity[] };

export interface ClustererArticle {
  id: string;
  title: string;
  text: string;
  /** ISO 8601; missing or unparseable dates disable time decay for the article. */
  publishedAt?: string;
  url?: string;
  source?: string;
  /** When absent, the clusterer tags the text itself. */
  entities?: FeatureEntity[];
}

export interface StoryClusterer {
  /** Assigns the article to a story and returns the story id. Re-adding an article returns its story. */
  add(article: ClustererArticle): string;
  /** Why each article joined (or founded) its story, as decided when it arrived. */
  assignments(): Map<string, AssignmentReason>;
  /** The article's story now, after any story repair (undefined for an unknown article). */
  storyOf(articleId: string): string | undefined;
  /** Story repair so far: absorbed story id → surviving story id. */
  merged(): Map<string, string>;
  stories(): StoryState[];
}

/** Deterministic story id: the same founding article always yields the same id. */
export function storyIdFor(foundingArticleId: string): string {
  return 's' + createHash('sha256').update(foundingArticleId).digest('hex').slice(0, 16);
}

export function createStoryClusterer(options: Partial<MergeOptions> & { tag?: EntityTagger } = {}): StoryClusterer {
  const { tag, ...mergeOptions } = options;
  const opts = resolveMergeOptions(mergeOptions);

  /** term → its df cell; cells are long-lived, so story centroids can hold on to them (see CorpusStats.cell). */
  const documentFrequency = new Map<string, TermCell>();
  let docCount = 0;
  const stats: CorpusStats = {
    get docCount() {
      return docCount;
    },
    df: (term) => documentFrequency.get(term)?.df ?? 0,
    cell: (term) => {
      let cell = documentFrequency.get(term);
      // A term no article has had (a signature-only name) gets a zero cell now, kept current from then on.
      if (!cell) documentFrequency.set(term, (cell = { df: 0, logDf: 0 }));
      return cell;
    },
  };

  const storiesById = new Map<string, StoryState>();
  const entityIndex = new PostingIndex(opts.postingLimit);
  const termIndex = new PostingIndex(opts.postingLimit);
  const indexedKeys = new Map<string, { entityIds: string[]; terms: string[] }>();
  const reasons = new Map<string, AssignmentReason>();
  /** Story repair: absorbed story id → the story it was merged into. */
  const mergedInto = new Map<string, string>();
  let tagger: EntityTagger | undefined | null = tag ?? null;

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
  let hitCounts = new Int32Array(1024);
  const touched: number[] = [];
  function handle(storyId: string): number {
    let h = handleOf.get(storyId);
    if (h === undefined) {
      handleOf.set(storyId, (h = idOf.length));
      idOf.push(storyId);
    }
    return h;
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
    const count = (handles: Iterable<number>) => {
      for (const h of handles) if (counts[h]++ === 0) touched.push(h);
    };
    for (const id of keys.entityIds) count(entityIndex.get(id));
    for (const term of keys.terms) count(termIndex.get(term));
    // Score only the stories that share the most keys; ties by id keep this deterministic.
    const k = opts.maxCandidates;
    const before = (x: number, y: number) => counts[x] > counts[y] || (counts[x] === counts[y] && idOf[x] < idOf[y]);
    const top: number[] = [];
    for (const h of touched) {
      if (top.length === k && !before(h, top[k - 1])) continue;
      let i = top.length === k ? k - 1 : top.length;
      if (top.length < k) top.push(h);
      for (; i > 0 && before(h, top[i - 1]); i--) top[i] = top[i - 1];
      top[i] = h;
    }
    for (const h of touched) counts[h] = 0;
    return k > 0 ? top.map((h) => storiesById.get(idOf[h]) as StoryState) : [];
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
      for (const term of features.terms.keys()) {
        const cell = documentFrequency.get(term);
        if (cell) cell.logDf = Math.log(++cell.df + 1);
        else documentFrequency.set(term, { df: 1, logDf: Math.log(2) });
      }

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
        storyId = survivor.id;
      }
      storiesById.set(storyId, story);
      reindex(story, now);
      reasons.set(article.id, {
        storyId,
        created: decision.storyId === null && storyId === storyIdFor(article.id),
        ...decision.reason,
        ...(absorbedIds.length ? { merged: absorbedIds } : {}),
      });
      return storyId;
    },
    assignments: () => new Map(reasons),
    storyOf: (articleId) => {
      const r = reasons.get(articleId);
      return r ? resolve(r.storyId) : undefined;
    },
    merged: () => new Map([...mergedInto.keys()].map((id) => [id, resolve(id)])),
    stories: () => [...storiesById.values()],
  };
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

  get(key: string): Iterable<number> {
    return this.postings.get(key) ?? [];
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
