export { termVector, tokenize, stem } from './terms';
export {
  DEFAULT_MERGE_OPTIONS,
  resolveMergeOptions,
  idf,
  scoreArticleToStory,
  decideAssignment,
  addToStory,
  candidateKeys,
  indexKeysForStory,
  type ArticleFeatures,
  type ArticleStoryScore,
  type CorpusStats,
  type MergeOptions,
  type StoryState,
} from './score';
export { createStoryClusterer, storyIdFor, type ClustererArticle, type EntityTagger, type StoryClusterer } from './clusterer';
export { buildBriefing, splitSentences, type BriefingArticle, type BriefingInput, type BuiltBriefing } from './briefing';
