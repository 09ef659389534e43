import type { Article, ExtractedArticle, FetchFacts } from '../types';
import { SCHEMA_VERSION } from '../types';

/** What the feed entry and the fetch knew about an article, beside its extraction. */
export interface ArticleOrigin {
  id: string;
  /** The entry's link, as the feed gave it. */
  url: string;
  canonicalUrl: string;
  feedIds: string[];
  /** Used when the page has none: the entry's title and date, the feed's title (then the page's host). */
  fallbackTitle: string;
  fallbackPublishedAt?: string;
  fallbackSource?: string;
  fetch: FetchFacts;
}

/** The article record the extract stage writes: the page's own metadata first, the feed entry's where it has none. */
export function articleRecord(x: ExtractedArticle, origin: ArticleOrigin): Article {
  const host = new URL(origin.fetch.finalUrl).hostname;
  return {
    schemaVersion: SCHEMA_VERSION,
    id: origin.id,
    url: origin.url,
    canonicalUrl: origin.canonicalUrl,
    source: x.siteName ?? origin.fallbackSource ?? host,
    sourceDomain: host,
    feedIds: origin.feedIds,
    title: x.title || origin.fallbackTitle,
    byline: x.byline,
    authors: x.authors,
    publishedAt: x.publishedAt ?? origin.fallbackPublishedAt,
    modifiedAt: x.modifiedAt,
    lang: x.lang,
    leadImage: x.leadImage,
    text: x.text,
    excerpt: x.excerpt,
    wordCount: x.wordCount,
    extraction: { method: x.method, readerable: x.readerable },
    fetch: origin.fetch,
  };
}
