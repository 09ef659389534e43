/**
 * The bundled offline demo corpus: fictional outlets and articles written for
 * this project (not copied from any publication). The demo serves them from a
 * loopback HTTP server as HTML pages and feeds in several formats.
 *
 * `event` is ground truth for tests and the demo summary only; the pipeline
 * never reads it.
 */

export type DemoFeedFormat = 'rss2' | 'rss-noversion' | 'atom' | 'rdf' | 'jsonfeed';

export interface DemoOutlet {
  /** Path segment on the demo server, e.g. "pacific-ledger". */
  id: string;
  /** Outlet name as shown on its pages (og:site_name). */
  name: string;
  feedFormat: DemoFeedFormat;
  /** Language of the outlet's pages. */
  lang: string;
}

export interface DemoEvent {
  id: string;
  /** One line for humans reading test output. */
  label: string;
}

export interface DemoArticle {
  /** DemoOutlet.id */
  outlet: string;
  /** DemoEvent.id (ground truth, never read by the pipeline) */
  event: string;
  /** URL slug, unique within the outlet, lowercase words joined by '-'. */
  slug: string;
  title: string;
  author: string;
  /** ISO 8601 with timezone, e.g. "2026-09-16T08:30:00Z". */
  publishedAt: string;
  /** One or two sentences used as the feed item's summary. */
  summary: string;
  /** Body paragraphs, plain text, no HTML. */
  paragraphs: string[];
  /** Optional image caption (rendered as <figcaption>, which is boilerplate to an extractor). */
  caption?: string;
}
