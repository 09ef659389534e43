/**
 * Storyline's library entry: the pure stage functions, for reuse and for
 * external evaluation. None of these touch Redis or the network.
 *
 *   parseFeed(body, { contentType?, url? })  → ParsedFeed
 *   extractArticle(html, url)                → ExtractedArticle
 *   tagEntities(text, { title? })            → TagResult
 *   createStoryClusterer(options?)           → { add(article) → storyId, … }
 */
export { parseFeed, FeedParseError } from './feeds/parse';
export { canonicalizeUrl, articleIdFor } from './feeds/canonical-url';
export { decodeBody } from './feeds/charset';
export { extractArticle, ExtractError } from './extract';
export { tagEntities, entityById } from './tag';
export { createStoryClusterer, storyIdFor } from './merge/clusterer';
export type { ClustererArticle, ClustererOptions, EntityTagger, StoryClusterer } from './merge/clusterer';
export { DEFAULT_MERGE_OPTIONS } from './merge/score';
export type { MergeOptions, StoryState } from './merge/score';
export { buildArticleEvent, buildStoryEvent, EVENT_TYPES } from './publish/events';
export * from './types';
