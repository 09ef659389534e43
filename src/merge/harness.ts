/**
 * The story clusterer in the shape the shared clustering scorer loads
 * (../shared/tools/clustering-score/evaluate.mjs: a module exporting
 * createClusterer() → { add(doc) → storyId, assignments() → id → storyId }):
 *
 *   npm run build
 *   HOLDOUT_CLUSTERING=<dir with test.jsonl> CLUSTERER=dist/src/merge/harness.js \
 *     node <path to>/clustering-score/evaluate.mjs
 *
 * Defaults and the real tagger, as the merge worker runs it. The scorer's
 * loader refuses documents without a date; to score an undated set (the ECB+
 * dev stream), give each document a made-up date a minute apart, as
 * `npm run bench:stories` does (runSharedScorer). A null or absent date is
 * accepted by the clusterer itself and means no date (no time decay).
 */
import { createStoryClusterer, type StoryClusterer } from './clusterer';
import type { MergeOptions } from './score';

export function createClusterer(options: Partial<MergeOptions> = {}): StoryClusterer {
  return createStoryClusterer(options);
}
