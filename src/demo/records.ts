import { SCHEMA_VERSION, type Article } from '../types';
import type { DemoArticle } from './corpus';

/**
 * A bundled demo article as the extract stage would have stored it (text from
 * its paragraphs, no page fetched): for tests that start at a later stage and
 * for the workers' warm-up.
 */
export function demoArticleRecord(id: string, d: DemoArticle): Article {
  const text = d.paragraphs.join('\n\n');
  const url = `https://${d.outlet}.example/${d.slug}`;
  return {
    schemaVersion: SCHEMA_VERSION,
    id,
    url,
    canonicalUrl: url,
    source: d.outlet,
    sourceDomain: `${d.outlet}.example`,
    feedIds: [],
    title: d.title,
    authors: [d.author],
    publishedAt: d.publishedAt,
    text,
    excerpt: d.summary,
    wordCount: text.split(/\s+/).length,
    extraction: { method: 'readability', readerable: true },
    fetch: { status: 200, finalUrl: url, bytes: text.length, redirects: 0, fetchedAt: d.publishedAt, timings: { totalMs: 1 } },
  };
}
