/**
 * The extract stage's pure core: one HTML page in, one ExtractedArticle out.
 * No I/O; the page's scripts never run and its resources are never fetched.
 */

import { Readability, isProbablyReaderable } from '@mozilla/readability';
import type { ExtractedArticle } from '../types';
import { DEFAULT_DOM, DOM_NAMES, parsePage } from './dom';
import type { DomName, ParsedPage } from './dom';
import { collapseWhitespace, decodeEntities, htmlToText, plainTextToBlocks } from './html-to-text';
import { repairMojibake, toText } from './input';
import { extractMetadata } from './metadata';

export const DEFAULT_MAX_HTML_BYTES = 5 * 1024 * 1024;
/** Below this many characters a body is treated as a failed extraction. */
const MIN_BODY_CHARS = 200;
const EXCERPT_CHARS = 300;
const READABILITY_OPTIONS = {
  maxElemsToParse: 20000,
  charThreshold: 300,
  // Metadata comes from src/extract/metadata.ts. Without a JSON-LD byline Readability
  // also strips the byline block it finds in the body.
  disableJSONLD: true,
};

export interface ExtractOptions {
  /** Larger pages are cut to this many UTF-8 bytes before parsing (default 5 MB). */
  maxHtmlBytes?: number;
  /** The feed's summary of the item: the last-resort body. */
  feedSummary?: string;
  /** DOM implementation (default linkedom; jsdom is the spec-exact reference). */
  dom?: DomName;
  /** HTTP Content-Type of the page, for its charset when `html` is given as bytes. */
  contentType?: string;
}

export type ExtractErrorCode =
  'EMPTY_INPUT' | 'NOT_HTML' | 'INVALID_URL' | 'NO_CONTENT' | 'INVALID_OPTION' | 'TIMEOUT' | 'CRASHED' | 'TOO_COMPLEX';

export class ExtractError extends Error {
  constructor(
    readonly code: ExtractErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractError';
  }
}

type Method = ExtractedArticle['method'];

/**
 * Pages over `maxHtmlBytes` are truncated rather than refused: the article body
 * almost always sits in the first megabytes, and the parser copes with the cut.
 * The result does not flag it; a caller that wants to log it compares the
 * page's UTF-8 size with the limit.
 *
 * `input` is decoded text (what the fetch stage stores) or raw bytes, decoded
 * like the fetch stage does (BOM, `opts.contentType`, <meta charset> in the
 * first 1024 bytes, then UTF-8 validation). UTF-8 read as windows-1252 is repaired.
 * Pages over the element cap, or absurdly deep or wide, skip Readability for
 * the cheap fallbacks (see pageShape). There is no time bound here: the
 * extraction pool (./pool.ts) enforces one per page.
 *
 * Throws ExtractError for input that is empty, binary or not markup, for an
 * unparsable `url`, for nesting that overflows the stack, and when no method
 * finds any text.
 */
export function extractArticle(input: string | Uint8Array, url: string, opts: ExtractOptions = {}): ExtractedArticle {
  const dom = opts.dom ?? DEFAULT_DOM;
  if (!DOM_NAMES.includes(dom)) throw new ExtractError('INVALID_OPTION', `unknown DOM: ${String(dom)}`);
  if (!URL.canParse(url)) throw new ExtractError('INVALID_URL', `not a URL: ${url}`);
  const maxBytes = opts.maxHtmlBytes ?? DEFAULT_MAX_HTML_BYTES;
  // Bytes are cut before decoding (a cut multi-byte character decodes to U+FFFD at the very end).
  const bytes = typeof input === 'string' ? input : input.subarray(0, maxBytes);
  const html = toText(bytes, opts.contentType);
  if (html.trim() === '') throw new ExtractError('EMPTY_INPUT', 'empty HTML');
  const source = repairMojibake(truncateToBytes(html, maxBytes));
  assertLooksLikeHtml(source);

  let page: ParsedPage | undefined;
  try {
    page = parsePage(source, url, dom);
    const doc = page.document;
    // Metadata and the readerable check read the untouched page; the body pass then
    // cleans and rewrites that same DOM in place, which saves cloning it.
    const metadata = extractMetadata(doc, url);
    const shape = pageShape(doc);
    const readerable = shape === 'normal' && isProbablyReaderable(doc);
    const reparse = (): Document => {
      page?.close();
      page = parsePage(source, url, dom);
      return page.document;
    };
    const body = extractBody(doc, reparse, shape, metadata.title, metadata.jsonLdArticleBody, opts.feedSummary);
    if (!body) throw new ExtractError('NO_CONTENT', `no article text found at ${url}`);

    return {
      title: metadata.title,
      byline: metadata.byline,
      authors: metadata.authors,
      publishedAt: metadata.publishedAt,
      modifiedAt: metadata.modifiedAt,
      siteName: metadata.siteName,
      canonicalUrl: metadata.canonicalUrl,
      lang: metadata.lang,
      leadImage: metadata.leadImage,
      text: body.text,
      excerpt: buildExcerpt(body.text, metadata.description, metadata.title),
      wordCount: countWords(body.text),
      method: body.method,
      readerable,
    };
  } catch (err) {
    // Recursive DOM code (jsdom's, Readability's) overflows the stack on absurd nesting.
    if (err instanceof RangeError) throw new ExtractError('TOO_COMPLEX', `page too deeply nested: ${err.message}`);
    throw err;
  } finally {
    page?.close();
  }
}

/**
 * Deeper than this, or with more element children under one parent, a page is
 * pathological (real articles nest a few dozen levels and list a few hundred
 * items): Readability's text scans per node turn quadratic on such trees, and
 * jsdom's child lists are quadratic on long sibling runs (9,000 sibling divs
 * take jsdom over two minutes). Pages over the element cap or the sibling
 * bound skip Readability; pages over the depth bound also skip the boilerplate pass.
 */
const MAX_DEPTH = 400;
const MAX_SIBLINGS = 3000;

/**
 * Whether the page is within Readability's element cap and the depth and
 * sibling bounds above. Counts without getElementsByTagName('*') (linkedom
 * answers 0 to it, so Readability's own maxElemsToParse check never fires
 * there), iteratively, and stops at the first bound crossed.
 */
type PageShape = 'normal' | 'over-cap' | 'pathological';

function pageShape(doc: Document): PageShape {
  const cap = READABILITY_OPTIONS.maxElemsToParse;
  let count = 0;
  let depth = 0;
  // siblings[d]: elements seen so far under the current parent at depth d.
  const siblings: number[] = [1];
  let node: Element | null = doc.documentElement;
  while (node) {
    if (depth > MAX_DEPTH) return 'pathological';
    if (++count > cap || siblings[depth] > MAX_SIBLINGS) return 'over-cap';
    if (node.firstElementChild) {
      node = node.firstElementChild;
      siblings[++depth] = 1;
      continue;
    }
    while (node && !node.nextElementSibling) {
      node = node.parentElement;
      depth--;
    }
    if (!node || depth < 0) break;
    node = node.nextElementSibling;
    siblings[depth]++;
  }
  return 'normal';
}

// ---------------------------------------------------------------------------
// Input checks

function truncateToBytes(html: string, maxBytes: number): string {
  // A UTF-16 code unit needs at most 3 UTF-8 bytes, so most pages skip the byte count.
  if (html.length * 3 <= maxBytes || Buffer.byteLength(html, 'utf8') <= maxBytes) return html;
  // Each character is at least one byte, so the first maxBytes characters cover the cut.
  const head = Buffer.from(html.slice(0, maxBytes), 'utf8').subarray(0, maxBytes);
  // A multi-byte character split by the cut decodes to U+FFFD.
  return head.toString('utf8').replace(/\uFFFD$/, '');
}

const SNIFF_CHARS = 64 * 1024;
/** Real HTML has next to no C0 control characters; binary data has about one byte in eight. */
const MAX_CONTROL_CHAR_SHARE = 0.02;

function assertLooksLikeHtml(source: string): void {
  const sample = source.slice(0, SNIFF_CHARS);
  if (countControlChars(sample) / sample.length > MAX_CONTROL_CHAR_SHARE || sample.startsWith('%PDF-')) {
    throw new ExtractError('NOT_HTML', 'input looks binary, not HTML');
  }
  if (!/<[a-z!?/]/i.test(sample)) throw new ExtractError('NOT_HTML', 'input has no HTML markup');
}

/** C0 control characters other than the whitespace ones (tab, LF, FF, CR). */
function countControlChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d) count++;
  }
  return count;
}

// ---------------------------------------------------------------------------
// Body

interface Body {
  text: string;
  method: Method;
}

/**
 * Readability first; when it yields (almost) nothing, JSON-LD articleBody, the
 * densest paragraph block, then the feed summary. The first body long enough
 * wins; failing that, the longest one found. Readability rewrites `doc`, so the
 * density pass (rarely needed) works on a fresh parse from `reparse`.
 */
function extractBody(
  doc: Document,
  reparse: () => Document,
  shape: PageShape,
  title: string,
  jsonLdArticleBody: string | undefined,
  feedSummary: string | undefined,
): Body | undefined {
  let current = doc;
  let pristine = true;
  const methods: Array<[Method, () => string]> = [
    [
      'readability',
      () => {
        if (shape !== 'normal') return '';
        pristine = false;
        return readabilityText(current);
      },
    ],
    ['json-ld', () => richTextToText(current, jsonLdArticleBody)],
    [
      'density',
      () => {
        if (!pristine) current = reparse();
        pristine = false;
        return densestBlockText(current, shape !== 'pathological');
      },
    ],
    ['feed-summary', () => richTextToText(current, feedSummary)],
  ];
  let longest: Body | undefined;
  for (const [method, run] of methods) {
    const text = dropTitleAndAbove(run(), title);
    if (text.length >= MIN_BODY_CHARS) return { text, method };
    if (text.length > (longest?.text.length ?? 0)) longest = { text, method };
  }
  return longest;
}

/** Cleans `doc` in place and runs Readability on it. */
function readabilityText(doc: Document): string {
  removeBoilerplate(doc);
  try {
    // Returning the content element itself saves an HTML serialise/re-parse round trip.
    const reader = new Readability<Element>(doc, {
      ...READABILITY_OPTIONS,
      serializer: (node) => node as Element,
    });
    const content = reader.parse()?.content;
    return content ? htmlToText(content) : '';
  } catch {
    // A page Readability cannot handle is not fatal: the fallbacks still apply.
    return '';
  }
}

/** JSON-LD articleBody and feed summaries come as plain text or as HTML. */
function richTextToText(doc: Document, raw: string | undefined): string {
  if (!raw?.trim()) return '';
  if (!/<[a-z][^>]*>/i.test(raw)) return plainTextToBlocks(decodeEntities(doc, raw));
  // A <template>'s content is inert: nothing in it loads or runs.
  const template = doc.createElement('template');
  template.innerHTML = raw;
  return htmlToText(template.content);
}

/** Link-heavy blocks (menus, teaser lists) are not article text. */
const MAX_LINK_DENSITY = 0.5;

/**
 * The element whose child paragraphs hold the most non-link text. Cleans `doc`
 * in place: metadata and Readability are done with it by now. On pathological
 * pages the boilerplate pass is skipped: its per-element checks are what absurd
 * nesting would make slow.
 */
function densestBlockText(doc: Document, clean: boolean): string {
  if (clean) removeBoilerplate(doc);
  const paragraphCharsByParent = new Map<Element, number>();
  for (const paragraph of doc.querySelectorAll('p')) {
    const parent = paragraph.parentElement;
    if (!parent) continue;
    const chars = collapseWhitespace(paragraph.textContent ?? '').length;
    paragraphCharsByParent.set(parent, (paragraphCharsByParent.get(parent) ?? 0) + chars);
  }
  let best: Element | undefined;
  let bestScore = 0;
  for (const [parent, chars] of paragraphCharsByParent) {
    const density = linkDensity(parent);
    const score = chars * (1 - density);
    if (density <= MAX_LINK_DENSITY && score > bestScore) {
      best = parent;
      bestScore = score;
    }
  }
  return best ? htmlToText(best) : '';
}

function linkDensity(el: Element): number {
  const total = visibleChars(el);
  return total === 0 ? 0 : linkChars(el) / total;
}

function linkChars(el: Element): number {
  let chars = 0;
  // Not getElementsByTagName: iterating jsdom's live HTMLCollection is quadratic.
  for (const link of el.querySelectorAll('a')) chars += visibleChars(link);
  return chars;
}

/** Text outside links: a mega-menu is big but holds no prose. */
function proseChars(el: Element): number {
  return visibleChars(el) - linkChars(el);
}

const NBSP = 0xa0;

/** Non-whitespace characters: source indentation can outweigh the text itself. */
function visibleChars(node: Node): number {
  const text = node.textContent ?? '';
  let count = 0;
  // A char-code loop: this runs on many subtrees and a regex copy per call is measurably slower.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 32 && code !== NBSP) count++;
  }
  return count;
}

/** Kickers, breadcrumbs and print URLs sit above the headline; only the body follows it. */
const MAX_BLOCKS_ABOVE_TITLE = 5;

/** Drops the headline when the body repeats it near the top, and anything above it. */
function dropTitleAndAbove(text: string, title: string): string {
  if (!title) return text;
  const blocks = text.split('\n\n');
  const wanted = comparable(title);
  const titleIndex = blocks.slice(0, MAX_BLOCKS_ABOVE_TITLE + 1).findIndex((block) => comparable(block) === wanted);
  return titleIndex === -1 ? text : blocks.slice(titleIndex + 1).join('\n\n');
}

function comparable(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

// ---------------------------------------------------------------------------
// Boilerplate

/** Never article prose, whatever the page looks like. */
const NON_CONTENT_TAGS = new Set(['script', 'style', 'noscript', 'template']);

const BOILERPLATE_TAGS = new Set(['nav', 'header', 'footer', 'aside', 'form', 'figcaption']);
const BOILERPLATE_ROLES = new Set(['navigation', 'complementary']);

/**
 * class/id words of share bars, newsletter boxes, related-story lists, ads,
 * captions, photo credits, bylines, author boxes, side rails and comments.
 * Matched at a word start ("article-related", "shareBar") so "unrelated" does
 * not match; "shared", "subscriber" and "commentary" often wrap real text.
 */
const BOILERPLATE_WORD_STARTS = [
  'share(?!d)',
  'sharing',
  'social',
  'newsletter',
  'subscribe(?!r)',
  'related',
  'recommend',
  'trending',
  'promo',
  'advert',
  'byline',
  'author',
  'caption',
  'credit',
  'comment(?!ary)',
  'rail',
  'breadcrumb',
  'copyright',
];
/** Short words that must stand alone ("ad-slot", "post-date"), not "header" or "update". */
const BOILERPLATE_WHOLE_WORDS = ['ad', 'ads', 'date', 'timestamp', 'tags'];
/** Matched anywhere: sites glue them on ("inlinegallery", "resgallery"). */
const BOILERPLATE_SUBSTRINGS = ['gallery', 'slideshow', 'carousel'];

const BOILERPLATE_NAME = new RegExp(
  [
    `(?:^|[^a-z])(?:${BOILERPLATE_WORD_STARTS.join('|')})`,
    `(?:^|[^a-z])(?:${BOILERPLATE_WHOLE_WORDS.join('|')})(?:$|[^a-z])`,
    ...BOILERPLATE_SUBSTRINGS,
  ].join('|'),
);

/** An element holding more than this share of the page's prose is content, whatever its name. */
const MAX_BOILERPLATE_TEXT_SHARE = 0.4;

/** Removes captions, share bars, newsletter boxes, related lists, comments, bylines and page chrome. */
function removeBoilerplate(doc: Document): void {
  const body = doc.body;
  if (!body) return;
  // One walk of the page serves every pass: each querySelectorAll costs milliseconds on a big page.
  const elements = Array.from(body.querySelectorAll('*'));
  for (const el of elements) if (NON_CONTENT_TAGS.has(el.localName)) el.remove();

  const contentLimit = proseChars(body) * MAX_BOILERPLATE_TEXT_SHARE;
  const primary = primaryContentElement(elements);
  for (const el of elements) {
    // Disconnected: inside an element removed earlier in this loop.
    // looksLikeBoilerplate first: isConnected walks up to the root.
    if (!looksLikeBoilerplate(el) || !el.isConnected) continue;
    const holdsContent =
      (primary !== undefined && el.contains(primary)) ||
      // visibleChars bounds proseChars and is cheaper, so it screens first.
      (visibleChars(el) > contentLimit && proseChars(el) > contentLimit);
    if (!holdsContent) el.remove();
  }
  for (const el of elements) {
    if (TEXT_BLOCK_TAGS.has(el.localName) && el.isConnected && isLinkTeaser(el)) el.remove();
  }
}

const TEXT_BLOCK_TAGS = new Set(['p', 'li', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** A text block this much link is a teaser ("Related: <a>…</a>", a headline list), not prose. */
const MIN_TEASER_LINK_DENSITY = 0.8;

function isLinkTeaser(el: Element): boolean {
  if (el.querySelector('a') === null) return false;
  const chars = visibleChars(el);
  return chars > 0 && linkChars(el) / chars >= MIN_TEASER_LINK_DENSITY;
}

/** The biggest <article>, <main> or articleBody element: the one container never to remove. */
function primaryContentElement(elements: Element[]): Element | undefined {
  let best: Element | undefined;
  let bestChars = 0;
  for (const el of elements) {
    const isCandidate = el.localName === 'article' || el.localName === 'main' || el.getAttribute('itemprop') === 'articleBody';
    if (!isCandidate || !el.isConnected) continue;
    const chars = visibleChars(el);
    if (chars > bestChars) {
      best = el;
      bestChars = chars;
    }
  }
  return best;
}

function looksLikeBoilerplate(el: Element): boolean {
  return (
    BOILERPLATE_TAGS.has(el.localName) ||
    el.getAttribute('aria-hidden') === 'true' ||
    BOILERPLATE_ROLES.has(el.getAttribute('role') ?? '') ||
    el.getAttribute('itemprop') === 'caption' ||
    hasBoilerplateName(el)
  );
}

function hasBoilerplateName(el: Element): boolean {
  const names = `${el.getAttribute('class') ?? ''} ${el.id}`;
  if (names.trim() === '') return false;
  // camelCase → kebab-case so "relatedLinks" has a word boundary before "related".
  return BOILERPLATE_NAME.test(names.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase());
}

// ---------------------------------------------------------------------------
// Excerpt and word count

function buildExcerpt(text: string, description: string | undefined, title: string): string {
  const source = description && isSensibleDescription(description, text, title) ? description : text;
  return truncateAtWord(collapseWhitespace(source), EXCERPT_CHARS);
}

const MIN_DESCRIPTION_CHARS = 40;
/** Share of a description's words that must occur in the body: site-wide blurbs fail this. */
const MIN_DESCRIPTION_OVERLAP = 0.5;

function isSensibleDescription(description: string, text: string, title: string): boolean {
  if (description.length < MIN_DESCRIPTION_CHARS || comparable(description) === comparable(title)) return false;
  const bodyWords = new Set(lowercaseWords(text));
  const descriptionWords = lowercaseWords(description);
  const shared = descriptionWords.filter((word) => bodyWords.has(word)).length;
  return shared >= descriptionWords.length * MIN_DESCRIPTION_OVERLAP;
}

function lowercaseWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function truncateAtWord(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const lastSpace = text.lastIndexOf(' ', maxChars);
  // One giant "word" (a URL, CJK text without spaces) is cut mid-word instead.
  const cut = lastSpace > maxChars / 2 ? text.slice(0, lastSpace) : text.slice(0, maxChars);
  return `${cut.replace(/[\s,;:.\-–—]+$/, '')}…`;
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}
