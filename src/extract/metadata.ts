/**
 * Article metadata read from the original (unmodified) page: JSON-LD first,
 * then Open Graph / meta tags, then markup conventions, then the URL itself.
 */

import { collapseWhitespace, decodeEntities } from './html-to-text';

export interface PageMetadata {
  title: string;
  byline?: string;
  authors: string[];
  publishedAt?: string;
  modifiedAt?: string;
  siteName?: string;
  canonicalUrl?: string;
  lang?: string;
  leadImage?: string;
  /** og:description / meta description, for the excerpt. */
  description?: string;
  /** JSON-LD `articleBody` as published (plain text or HTML): a body fallback. */
  jsonLdArticleBody?: string;
}

type JsonObject = Record<string, unknown>;

export function extractMetadata(doc: Document, pageUrl: string): PageMetadata {
  // Every DOM query walks the whole page (milliseconds on big pages), so
  // fallbacks below are only evaluated when the better sources are missing.
  const meta = indexMetaTags(doc);
  const { article, byId } = readJsonLd(doc);
  const articleRoot = lazy(() => doc.querySelector('article') ?? doc.querySelector('main'));

  const siteName = meta.first('og:site_name') ?? jsonLdName(article?.publisher, byId);
  const authors = findAuthors(doc, meta, article, byId);

  return {
    title: findTitle(doc, pageUrl, meta, article, articleRoot, siteName),
    byline: authors.length > 0 ? authors.join(', ') : undefined,
    authors,
    publishedAt: firstOf([
      () => toIsoDate(jsonLdString(article?.datePublished)),
      () => toIsoDate(meta.first('article:published_time', 'og:article:published_time', 'datepublished')),
      () => toIsoDate(itempropDate(doc, 'datePublished')),
      () => toIsoDate(timeElementDate(articleRoot())),
      () => dateFromUrl(pageUrl),
    ]),
    modifiedAt: firstOf([
      () => toIsoDate(jsonLdString(article?.dateModified)),
      () => toIsoDate(meta.first('article:modified_time', 'og:updated_time', 'datemodified')),
      () => toIsoDate(itempropDate(doc, 'dateModified')),
    ]),
    siteName,
    canonicalUrl: firstOf([
      () => resolveHttpUrl(doc.querySelector('link[rel~="canonical" i]')?.getAttribute('href'), pageUrl),
      () => resolveHttpUrl(meta.first('og:url'), pageUrl),
    ]),
    lang: findLanguage(doc, meta),
    leadImage: firstOf([
      () => resolveHttpUrl(meta.first('og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image'), pageUrl),
      () => resolveHttpUrl(jsonLdImageUrl(article?.image), pageUrl),
    ]),
    description: meta.first('og:description', 'description', 'twitter:description'),
    jsonLdArticleBody: jsonLdString(article?.articleBody),
  };
}

function firstOf<T>(candidates: Array<() => T | undefined>): T | undefined {
  for (const candidate of candidates) {
    const value = candidate();
    if (value !== undefined) return value;
  }
  return undefined;
}

function lazy<T>(compute: () => T): () => T {
  let computed = false;
  let value: T;
  return () => {
    if (!computed) {
      value = compute();
      computed = true;
    }
    return value;
  };
}

// ---------------------------------------------------------------------------
// <meta> tags

interface MetaIndex {
  /** First non-empty content among the keys (name, property or itemprop; case-insensitive). */
  first(...keys: string[]): string | undefined;
}

function indexMetaTags(doc: Document): MetaIndex {
  const contentByKey = new Map<string, string>();
  for (const el of doc.querySelectorAll('meta[content]')) {
    const content = collapseWhitespace(el.getAttribute('content') ?? '');
    if (!content) continue;
    for (const attr of ['property', 'name', 'itemprop', 'http-equiv']) {
      const key = el.getAttribute(attr)?.trim().toLowerCase();
      if (key && !contentByKey.has(key)) contentByKey.set(key, content);
    }
  }
  return {
    first: (...keys) => {
      for (const key of keys) {
        const content = contentByKey.get(key.toLowerCase());
        if (content) return content;
      }
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------
// JSON-LD

interface JsonLd {
  /** The first Article-like node (NewsArticle, BlogPosting, …), headline-bearing ones preferred. */
  article?: JsonObject;
  /** Every node with an @id, to resolve references such as `"author": {"@id": …}`. */
  byId: Map<string, JsonObject>;
}

const ARTICLE_TYPE = /^(?:\w*Article|BlogPosting|LiveBlogPosting|Report)$/;
const MAX_JSON_LD_DEPTH = 8;

function readJsonLd(doc: Document): JsonLd {
  const nodes: JsonObject[] = [];
  for (const script of doc.querySelectorAll('script[type="application/ld+json" i]')) {
    const parsed = parseJsonLenient(script.textContent ?? '');
    if (parsed !== undefined) collectObjects(parsed, nodes, 0);
  }
  const byId = new Map<string, JsonObject>();
  for (const node of nodes) {
    // A bare {"@id": …} is a reference to the node, not the node itself.
    const isReference = Object.keys(node).length === 1;
    if (typeof node['@id'] === 'string' && !isReference && !byId.has(node['@id'])) byId.set(node['@id'], node);
  }
  const articles = nodes.filter((node) => jsonLdTypes(node).some((type) => ARTICLE_TYPE.test(type)));
  const article = articles.find((node) => jsonLdString(node.headline)) ?? articles[0];
  return { article, byId };
}

/** Publishers often wrap JSON-LD in HTML comments or CDATA; anything else unparsable is skipped. */
function parseJsonLenient(source: string): unknown {
  const cleaned = source.replace(/^\s*(?:<!--|\/\/\s*<!\[CDATA\[)/, '').replace(/(?:-->|\/\/\s*\]\]>)\s*$/, '');
  try {
    return JSON.parse(cleaned);
  } catch {
    return undefined;
  }
}

/** Flattens arrays, @graph and nested values (e.g. WebPage.mainEntity) into a node list. */
function collectObjects(value: unknown, out: JsonObject[], depth: number): void {
  if (depth > MAX_JSON_LD_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectObjects(item, out, depth + 1);
    return;
  }
  const node = value as JsonObject;
  out.push(node);
  for (const child of Object.values(node)) collectObjects(child, out, depth + 1);
}

/** @type values without a schema.org prefix ("http://schema.org/NewsArticle" → "NewsArticle"). */
function jsonLdTypes(node: JsonObject): string[] {
  return toArray(node['@type'])
    .filter((type): type is string => typeof type === 'string')
    .map((type) => type.replace(/^.*[/#:]/, ''));
}

function jsonLdString(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value)) return jsonLdString(value[0]);
  return undefined;
}

function resolveRef(value: unknown, byId: Map<string, JsonObject>): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const node = value as JsonObject;
    if (typeof node['@id'] === 'string' && node.name === undefined) return byId.get(node['@id']) ?? node;
  }
  return value;
}

function jsonLdName(value: unknown, byId: Map<string, JsonObject>): string | undefined {
  const resolved = resolveRef(Array.isArray(value) ? value[0] : value, byId);
  if (typeof resolved === 'string') return resolved.trim() || undefined;
  if (resolved && typeof resolved === 'object') return jsonLdString((resolved as JsonObject).name);
  return undefined;
}

function jsonLdImageUrl(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object') return jsonLdString((first as JsonObject).url);
  return undefined;
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

// ---------------------------------------------------------------------------
// Title

const TITLE_SEPARATOR = /\s+(?:\||-|–|—|·|::)\s+/g;

function findTitle(
  doc: Document,
  pageUrl: string,
  meta: MetaIndex,
  article: JsonObject | undefined,
  articleRoot: () => Element | null,
  siteName: string | undefined,
): string {
  const clean = (raw: string | null | undefined): string | undefined => collapseWhitespace(decodeEntities(doc, raw ?? '')) || undefined;
  return (
    firstOf([
      () => clean(stripSiteName(meta.first('og:title'), siteName)),
      () => clean(jsonLdString(article?.headline)),
      () => clean(articleRoot()?.querySelector('h1')?.textContent),
      () => clean(stripTitleSuffix(doc.title, siteName, hostName(pageUrl))),
    ]) ?? ''
  );
}

/** og:title is usually clean; strip only a suffix that names the site exactly. */
function stripSiteName(title: string | undefined, siteName: string | undefined): string | undefined {
  if (!title || !siteName) return title;
  const match = lastSeparator(title);
  if (match && sameLetters(title.slice(match.end), siteName)) return title.slice(0, match.start);
  return title;
}

/**
 * "Headline | Outlet" → "Headline". The tail goes when it names the site or host,
 * or when it is short and the head still reads like a headline; a separator
 * inside the headline itself ("Biden - Putin summit") is left alone.
 */
function stripTitleSuffix(title: string, siteName: string | undefined, host: string): string {
  const match = lastSeparator(title);
  if (!match) return title;
  const head = title.slice(0, match.start).trim();
  const tail = title.slice(match.end).trim();
  const tailNamesSite =
    (siteName !== undefined && sameLetters(tail, siteName)) || (letters(tail).length >= 3 && letters(host).includes(letters(tail)));
  const tailLooksLikeSiteName = wordCount(tail) <= 4 && wordCount(head) >= 3;
  return tailNamesSite || tailLooksLikeSiteName ? head : title;
}

function lastSeparator(title: string): { start: number; end: number } | undefined {
  let last: { start: number; end: number } | undefined;
  for (const match of title.matchAll(TITLE_SEPARATOR)) {
    last = { start: match.index, end: match.index + match[0].length };
  }
  return last;
}

function letters(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

function sameLetters(a: string, b: string): boolean {
  return letters(a) !== '' && letters(a) === letters(b);
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function hostName(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------
// Authors

const MAX_AUTHOR_WORDS = 6;
/** "Jane Doe, Senior Correspondent": the part after the comma is a role, not a second author. */
const JOB_TITLE = /\b(?:writer|editor|correspondent|reporter|columnist|contributor|staff)\b/i;

/** Names from the first source that has any, so variants of one name do not pile up. */
function findAuthors(doc: Document, meta: MetaIndex, article: JsonObject | undefined, byId: Map<string, JsonObject>): string[] {
  const sources: Array<() => Array<string | undefined>> = [
    () => toArray(article?.author).map((author) => jsonLdName(author, byId)),
    () => [meta.first('author')],
    () => [meta.first('article:author')],
    () => Array.from(doc.querySelectorAll('a[rel~="author" i]'), (a) => a.textContent ?? undefined),
    () => [doc.querySelector('.byline')?.textContent ?? undefined],
  ];
  for (const source of sources) {
    const names = dedupe(source().flatMap((raw) => splitAuthorNames(decodeEntities(doc, raw ?? ''))));
    if (names.length > 0) return names;
  }
  return [];
}

/** "By Jane Doe and John Roe | Updated …" → ["Jane Doe", "John Roe"]. Drops URLs (article:author often is one) and roles. */
function splitAuthorNames(raw: string): string[] {
  const firstSegment =
    raw
      .split(/[|•·\n]/)
      .map(collapseWhitespace)
      .find(Boolean) ?? '';
  const text = firstSegment.replace(/^by[:\s]+/i, '');
  return text
    .split(/\s*(?:,|;|&|\band\b)\s*/i)
    .map((name) => name.trim())
    .filter((name) => name !== '' && !/^https?:|\/|@|\d/.test(name) && !JOB_TITLE.test(name) && wordCount(name) <= MAX_AUTHOR_WORDS);
}

function dedupe(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------
// Dates

const EARLIEST_YEAR = 1990;
const LATEST_YEAR = 2100;

function itempropDate(doc: Document, prop: string): string | undefined {
  const el = doc.querySelector(`[itemprop="${prop}"]:not(meta)`);
  return el?.getAttribute('datetime') ?? el?.getAttribute('content') ?? el?.textContent ?? undefined;
}

/** A <time pubdate> wins over the first <time datetime> inside the article. */
function timeElementDate(articleRoot: Element | null): string | undefined {
  const time = articleRoot?.querySelector('time[pubdate][datetime]') ?? articleRoot?.querySelector('time[datetime]');
  return time?.getAttribute('datetime') ?? undefined;
}

/** ISO 8601 (UTC) or undefined for anything unparsable or implausible. */
function toIsoDate(raw: string | undefined): string | undefined {
  let text = raw?.trim();
  // Date.parse turns stray numbers ("5") into dates; a real date names a 4-digit year.
  if (!text || !/\d{4}/.test(text)) return undefined;
  // Without an offset Date.parse would use the host's zone; read it as UTC so results are reproducible.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= EARLIEST_YEAR && year <= LATEST_YEAR ? date.toISOString() : undefined;
}

/** "/2026/09/16/slug" or "/2026-09-16-slug" → 2026-09-16T00:00:00.000Z. */
function dateFromUrl(pageUrl: string): string | undefined {
  let path: string;
  try {
    path = new URL(pageUrl).pathname;
  } catch {
    return undefined;
  }
  const match = /\/((?:19|20)\d{2})([/-])(\d{1,2})\2(\d{1,2})(?=[/\-_.]|$)/.exec(path);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[3]), Number(match[4])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const isRealDay = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return isRealDay && year >= EARLIEST_YEAR ? date.toISOString() : undefined;
}

// ---------------------------------------------------------------------------
// URLs and language

function resolveHttpUrl(raw: string | null | undefined, base: string): string | undefined {
  if (!raw?.trim()) return undefined;
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Primary language subtag, lowercased: "en-GB" → "en", "pt_BR" → "pt". */
function findLanguage(doc: Document, meta: MetaIndex): string | undefined {
  const candidates = [doc.documentElement.getAttribute('lang'), meta.first('content-language'), meta.first('og:locale')];
  for (const candidate of candidates) {
    const primary = candidate?.split(/[-_,;\s]/)[0]?.toLowerCase();
    if (primary && /^[a-z]{2,3}$/.test(primary)) return primary;
  }
  return undefined;
}
