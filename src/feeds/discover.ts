/**
 * Feed discovery: given a URL that may be a feed or a site page, find the feed.
 * Order: the URL itself; the page's <link rel="alternate"> feeds (document
 * order, comment feeds last); then common feed paths at the site's root.
 */
import type { FetchResult, HttpClient } from '../fetch/http';
import type { ParsedFeed } from '../types';
import { decodeBody } from './charset';
import { decodeHtmlEntities, FeedParseError, parseFeed } from './parse';

export interface FeedCandidate {
  url: string;
  title?: string;
  type?: string;
  via: 'given' | 'link' | 'common-path';
}

export interface DiscoveredFeed extends FeedCandidate {
  feed: ParsedFeed;
}

export class FeedDiscoveryError extends Error {
  override readonly name = 'FeedDiscoveryError';
  constructor(
    message: string,
    /** What was tried, with why each failed. */
    readonly tried: Array<{ url: string; error: string }>,
  ) {
    super(message);
  }
}

const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/rdf+xml',
  'application/feed+json',
  'application/json',
  'application/xml',
  'text/xml',
]);

/** Where sites commonly serve feeds (WordPress, Ghost, Hugo, Jekyll, Blogger, Substack …). */
export const COMMON_FEED_PATHS = [
  '/feed',
  '/rss',
  '/feed.xml',
  '/rss.xml',
  '/atom.xml',
  '/index.xml',
  '/feed.json',
  '/feeds/posts/default',
  '/?feed=rss2',
];

const DISCOVERY_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5';

/** Only the head matters, and hostile pages can be large. */
const HTML_SCAN_CHARS = 512 * 1024;

function attributesOf(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const pattern = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
  // Skip the tag name.
  const body = tag.replace(/^<[A-Za-z]+/, '').replace(/\/?>$/, '');
  for (let m = pattern.exec(body); m; m = pattern.exec(body)) {
    attributes[(m[1] as string).toLowerCase()] = decodeHtmlEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attributes;
}

function httpUrl(href: string, base: string): string | undefined {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Feeds a page advertises with <link rel="alternate" type="…feed type…" href>. Pure. */
export function feedLinksInHtml(html: string, pageUrl: string): FeedCandidate[] {
  const head = html.slice(0, HTML_SCAN_CHARS);
  const baseTag = /<base\b[^>]*>/i.exec(head);
  const baseHref = baseTag ? attributesOf(baseTag[0]).href : undefined;
  const base = (baseHref && httpUrl(baseHref, pageUrl)) || pageUrl;
  const found: FeedCandidate[] = [];
  const seen = new Set<string>();
  for (const match of head.matchAll(/<link\b[^>]*>/gi)) {
    const attrs = attributesOf(match[0]);
    const rels = (attrs.rel ?? '').toLowerCase().split(/\s+/);
    const type = (attrs.type ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!rels.includes('alternate') || !FEED_TYPES.has(type) || !attrs.href) continue;
    const url = httpUrl(attrs.href, base);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    found.push({ url, type, via: 'link', ...(attrs.title ? { title: attrs.title } : {}) });
  }
  // Comment feeds are rarely what anyone subscribes to.
  const isComments = (c: FeedCandidate) => /comment/i.test(`${c.title ?? ''} ${c.url}`);
  return [...found.filter((c) => !isComments(c)), ...found.filter(isComments)];
}

/** Common feed locations at the site's root. Pure. */
export function commonFeedUrls(siteUrl: string): FeedCandidate[] {
  return COMMON_FEED_PATHS.map((p) => ({ url: new URL(p, siteUrl).href, via: 'common-path' as const }));
}

async function tryFeed(http: HttpClient, url: string): Promise<{ res: FetchResult; feed?: ParsedFeed; error?: unknown }> {
  const res = await http.fetch(url, { accept: DISCOVERY_ACCEPT });
  try {
    return { res, feed: await parseFeed(res.body, { contentType: res.contentType, url: res.finalUrl, maxItems: 5 }) };
  } catch (error) {
    return { res, error };
  }
}

/**
 * Finds the feed for `url`: the URL itself when it is a feed, else what the
 * page links to, else a common path. Every request goes through the given
 * client (SSRF guard, limits). Throws FeedDiscoveryError when nothing parses,
 * and the client's FetchError when the URL itself cannot be fetched.
 */
export async function discoverFeed(http: HttpClient, url: string): Promise<DiscoveredFeed> {
  const tried: Array<{ url: string; error: string }> = [];
  const first = await tryFeed(http, url);
  // The URL as asked for, not where it redirected: a temporary redirect must not be registered.
  if (first.feed) return { url, via: 'given', feed: first.feed, ...titled(first.feed) };
  tried.push({ url, error: (first.error as Error).message });

  const notAFeed = first.error instanceof FeedParseError && first.error.code === 'not_a_feed';
  const html = notAFeed ? decodeBody(first.res.body, first.res.contentType) : '';
  const candidates = [...feedLinksInHtml(html, first.res.finalUrl), ...commonFeedUrls(first.res.finalUrl)];
  const seen = new Set([url, first.res.finalUrl]);
  for (const candidate of candidates) {
    if (seen.has(candidate.url)) continue;
    seen.add(candidate.url);
    try {
      const attempt = await tryFeed(http, candidate.url);
      if (attempt.feed) {
        return { ...candidate, feed: attempt.feed, ...titled(attempt.feed, candidate.title) };
      }
      tried.push({ url: candidate.url, error: (attempt.error as Error).message });
    } catch (err) {
      tried.push({ url: candidate.url, error: (err as Error).message });
    }
  }
  throw new FeedDiscoveryError(`no feed found at ${url} (tried ${tried.length} URLs)`, tried);
}

function titled(feed: ParsedFeed, fallback?: string): { title?: string } {
  const title = feed.title ?? fallback;
  return title ? { title } : {};
}

/**
 * A readable, stable feed id from a URL: host without "www." plus the path,
 * e.g. https://www.example.com/news/rss.xml → example.com-news-rss.xml.
 * `taken` ids get a numeric suffix.
 */
export function feedIdFromUrl(url: string, taken: Set<string> = new Set()): string {
  const u = new URL(url);
  const raw = `${u.hostname.replace(/^www\./, '')}${u.pathname === '/' ? '' : u.pathname}${u.search}`;
  const base =
    raw
      .replace(/[^a-zA-Z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[^a-zA-Z0-9]+|[-.]+$/g, '')
      .slice(0, 80) || 'feed';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
