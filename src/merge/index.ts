export { termVector, signatureVector, tokenize, stem } from './terms';
export { articleFeatures, type FeatureInput } from './features';
export {
  DEFAULT_MERGE_OPTIONS,
  resolveMergeOptions,
  idf,
  scoreArticleToStory,
  decideAssignment,
  addToStory,
  candidateKeys,
  indexKeysForStory,
  thresholdsFor,
  shouldMergeStories,
  mergeStoryStates,
  survivorFirst,
  withIdfCache,
  type ArticleFeatures,
  type ArticleStoryScore,
  type CorpusStats,
  type MergeOptions,
  type StoryState,
} from './score';
export {
  createStoryClusterer,
  storyIdFor,
  type ClustererArticle,
  type ClustererOptions,
  type EntityTagger,
  type StoryClusterer,
} from './clusterer';
export {
  buildBriefing,
  prepareBriefingText,
  splitSentences,
  type BriefingArticle,
  type BriefingInput,
  type BuiltBriefing,
  type PreparedText,
} from './briefing';
