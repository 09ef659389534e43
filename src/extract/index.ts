export { extractArticle, ExtractError } from './extract';
export type { ExtractOptions, ExtractErrorCode } from './extract';
