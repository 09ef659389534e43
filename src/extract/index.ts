export { extractArticle, ExtractError } from './extract';
export type { ExtractOptions, ExtractErrorCode } from './extract';
export { DEFAULT_DOM, DOM_NAMES } from './dom';
export type { DomName } from './dom';
export { createExtractPool, findThreadScript } from './pool';
export type { ExtractPool, ExtractPoolOptions } from './pool';
export { articleRecord } from './article-record';
export type { ArticleOrigin } from './article-record';
