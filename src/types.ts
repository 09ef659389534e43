/**
 * Records that cross stage boundaries. Jobs carry ids only; these records live
 * in Redis (see src/store). Every stored record carries `schemaVersion` so a
 * reader can refuse or migrate a record written by another release.
 */

export const SCHEMA_VERSION = 1 as const;

export type StageName = 'feeds' | 'fetch' | 'extract' | 'tag' | 'merge' | 'publish';
export const STAGES: readonly StageName[] = ['feeds', 'fetch', 'extract', 'tag', 'merge', 'publish'];

/** A feed we poll. Lives in the Redis feed registry, seeded from config/feeds. */
export interface FeedConfig {
  id: string;
  url: string;
  title?: string;
  /** Poll interval; defaults to config.feeds.pollIntervalMs. */
  pollIntervalMs?: number;
}

/** One entry of a parsed feed, before we fetch the page it links to. */
export interface FeedItem {
  schemaVersion: typeof SCHEMA_VERSION;
  feedId: string;
  guid: string;
  link: string;
  canonicalUrl: string;
  articleId: string;
  title: string;
  publishedAt?: string; // ISO 8601
  summary?: string;
  author?: string;
}

/** Result of parsing one feed document (pure, see src/feeds/parse.ts). */
export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title?: string;
  link?: string;
  /** RSS <ttl>: minutes the publisher asks readers to cache the feed. */
  ttlMinutes?: number;
  items: ParsedFeedItem[];
}

export interface ParsedFeedItem {
  guid: string;
  link: string;
  title: string;
  publishedAt?: string; // ISO 8601
  summary?: string;
  contentHtml?: string;
  author?: string;
}

/** Facts about the HTTP fetch of an article page. */
export interface FetchFacts {
  status: number;
  finalUrl: string;
  bytes: number;
  contentType?: string;
  redirects: number;
  fetchedAt: string; // ISO 8601
  timings: { totalMs: number };
}

/** Output of the pure extractor (src/extract). */
export interface ExtractedArticle {
  title: string;
  byline?: string;
  authors: string[];
  publishedAt?: string; // ISO 8601
  modifiedAt?: string; // ISO 8601
  siteName?: string;
  canonicalUrl?: string;
  lang?: string;
  leadImage?: string;
  /** Body text; blocks separated by a blank line. */
  text: string;
  excerpt: string;
  wordCount: number;
  /** Which method produced the body. */
  method: 'readability' | 'json-ld' | 'density' | 'feed-summary';
  /** Readability's isProbablyReaderable() verdict for the page. */
  readerable: boolean;
}

export interface Article {
  schemaVersion: typeof SCHEMA_VERSION;
  id: string;
  url: string;
  canonicalUrl: string;
  /** Outlet name (siteName, else feed title, else host). */
  source: string;
  sourceDomain: string;
  feedIds: string[];
  title: string;
  byline?: string;
  authors: string[];
  publishedAt?: string;
  modifiedAt?: string;
  lang?: string;
  leadImage?: string;
  text: string;
  excerpt: string;
  wordCount: number;
  extraction: { method: ExtractedArticle['method']; readerable: boolean };
  fetch: FetchFacts;
}

export type EntityType = 'person' | 'org' | 'place' | 'product' | 'topic';

/** One entry of the gazetteer in config/entities. */
export interface GazetteerEntity {
  id: string;
  name: string;
  type: EntityType;
  aliases: string[];
  description: string;
  wikidata?: string;
}

export interface EntityMention {
  start: number;
  end: number;
  text: string;
  entityId: string;
  type: EntityType;
  /** linked: resolved against the gazetteer; recognised: a name the gazetteer lacks. */
  kind: 'linked' | 'recognised';
}

export interface ArticleEntity {
  entityId: string;
  name: string;
  type: EntityType;
  kind: 'linked' | 'recognised';
  mentions: Array<{ start: number; end: number }>;
  /** 0..1, title and lead mentions weigh more. */
  salience: number;
}

/** Output of the pure tagger (src/tag). Offsets index into `${title}\n\n${text}`. */
export interface TagResult {
  mentions: EntityMention[];
  entities: ArticleEntity[];
}

export interface TaggedArticle extends Article {
  entities: ArticleEntity[];
}

/** Why an article joined (or started) a story. Exposed downstream. */
export interface AssignmentReason {
  storyId: string;
  created: boolean;
  score: number;
  textSimilarity: number;
  entityOverlap: number;
  sharedEntities: string[];
  sharedTerms: string[];
  /** Cosine of the event signatures (names, numbers), when both sides have one. */
  signatureSimilarity?: number;
  /** The score this article needed (length-adapted, see MergeOptions.shortTextTerms). */
  threshold?: number;
  /** Story repair: stories merged into storyId because this article bridged them. */
  merged?: string[];
}

export interface StoryArticleRef {
  id: string;
  title: string;
  source: string;
  url: string;
  publishedAt?: string;
  /** Near-duplicate (wire copy, syndicated reprint) of this earlier member: not an independent report. */
  duplicateOf?: string;
}

export interface EntityCard {
  entityId: string;
  name: string;
  type: EntityType;
  description?: string;
  count: number;
}

export interface Briefing {
  whatHappened: string[];
  /** One line per outlet with an independent report; outlets that only carried a copy of it are named in alsoCarriedBy. */
  whatThePapersSay: Array<{ source: string; date?: string; articleId: string; url: string; line: string; alsoCarriedBy?: string[] }>;
  howWeGotHere: Array<{ storyId: string; title: string; date?: string }>;
  entityCards: EntityCard[];
  timeline: StoryArticleRef[];
}

export interface Story {
  schemaVersion: typeof SCHEMA_VERSION;
  id: string;
  version: number;
  title: string;
  createdAt: string;
  updatedAt: string;
  articles: StoryArticleRef[];
  sources: string[];
  /** Outlets with at least one independent report (copies of another member's text do not count). */
  independentSources?: number;
  entities: Array<{ entityId: string; name: string; type: EntityType; count: number }>;
  briefing: Briefing;
}

/** Data of the story.merged.v1 event: story repair merged one story into another. */
export interface StoryMergedData {
  absorbedStoryId: string;
  /** The absorbed story's last version and title, and its articles (now in the survivor); absent if its record expired. */
  absorbedVersion?: number;
  title?: string;
  articleIds?: string[];
  survivorStoryId: string;
  /** The survivor's version that absorbed it. */
  survivorVersion: number;
  /** The article whose arrival merged the stories. */
  bridgingArticleId: string;
}

/** Job payloads: references only, never documents. */
export interface FeedsJobData {
  feedId: string;
}
export interface ArticleJobData {
  articleId: string;
  feedId?: string;
}
export interface PublishJobData {
  articleId: string;
  storyId: string;
  storyVersion: number;
  created: boolean;
}
