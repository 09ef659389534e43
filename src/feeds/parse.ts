/**
 * parseFeed: one feed document (RSS 0.9x/2.0, RSS 1.0/RDF, Atom 0.3/1.0, JSON
 * Feed 1.0/1.1) in, one ParsedFeed out. Pure: no network, no clock.
 *
 * XML goes through rss-parser (parseString only: its parseURL would fetch).
 * Around it, this module adds what real feeds need and rss-parser lacks:
 * charset decoding, format sniffing, repair of common XML errors (HTML
 * entities, bare "&", stray "<", junk after the root), a lenient second pass
 * for ill-formed documents, guards against entries that make rss-parser throw,
 * absolute and safe links, plain-text titles and summaries, and ISO dates.
 */
import Parser from 'rss-parser';
import type { ParsedFeed, ParsedFeedItem } from '../types';
import { decodeBody, sanitizeDecodedText } from './charset';

export type FeedParseErrorCode = 'not_a_feed' | 'malformed';

export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
  readonly code: FeedParseErrorCode;

  constructor(code: FeedParseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface ParseFeedOptions {
  /** HTTP Content-Type, for its charset parameter. */
  contentType?: string;
  /** URL the document was fetched from: the base for relative links. */
  url?: string;
  /**
   * Keep at most this many items (document order). Default 500. XML is cut
   * after that many items before it is parsed, so a 100,000-item feed costs
   * what a maxItems-item feed costs.
   */
  maxItems?: number;
}

export const DEFAULT_MAX_ITEMS = 500;
/** Deeper element nesting than this is refused: no real feed comes close, and hostile ones cost memory. */
export const MAX_NESTING_DEPTH = 512;
export const SUMMARY_MAX_CHARS = 500;

type XmlFormat = 'rss' | 'atom' | 'rdf';
type JsonRecord = Record<string, unknown>;

export async function parseFeed(body: string | Buffer | Uint8Array, opts: ParseFeedOptions = {}): Promise<ParsedFeed> {
  const text = typeof body === 'string' ? sanitizeDecodedText(body) : decodeBody(body, opts.contentType);
  const maxItems = Math.max(0, Math.floor(opts.maxItems ?? DEFAULT_MAX_ITEMS));
  const documentUrl = absoluteHttpUrl(opts.url);

  const sniffed = sniffDocument(text);
  const feed =
    sniffed.kind === 'json'
      ? mapJsonFeed(sniffed.document, documentUrl, maxItems)
      : await parseXmlFeed(sniffed.xml, sniffed.format, sniffed.rootStartTag, documentUrl, maxItems);
  return { ...feed, items: feed.items.slice(0, maxItems) };
}

// ---------------------------------------------------------------------------
// Sniffing

type SniffedDocument = { kind: 'json'; document: JsonRecord } | { kind: 'xml'; format: XmlFormat; xml: string; rootStartTag: string };

function notAFeed(detected: string): FeedParseError {
  return new FeedParseError('not_a_feed', `not a feed: detected ${detected}`);
}

function malformed(message: string, cause?: unknown): FeedParseError {
  return new FeedParseError('malformed', `malformed feed: ${message}`, cause === undefined ? undefined : { cause });
}

/** How far into a document we look for the start of XML after leading junk. */
const JUNK_PREFIX_LIMIT = 4096;

function sniffDocument(text: string): SniffedDocument {
  const firstNonSpace = text.search(/\S/);
  if (firstNonSpace === -1) throw notAFeed('empty body');
  let doc = text.slice(firstNonSpace);

  if (doc[0] === '{' || doc[0] === '[') return sniffJson(doc);

  if (doc[0] !== '<') {
    // Stray output before the XML (a PHP notice, a doubly decoded BOM …).
    const xmlStart = doc.slice(0, JUNK_PREFIX_LIMIT).search(/<\?xml\s|<rss[\s>]|<feed[\s>]|<rdf:RDF[\s>]/);
    if (xmlStart === -1) throw notAFeed('text/plain');
    doc = doc.slice(xmlStart);
  }

  const rootStart = skipProlog(doc);
  const rootMatch = /^<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)/.exec(doc.slice(rootStart, rootStart + 256));
  if (!rootMatch?.[1]) throw notAFeed('text/plain');
  const rootName = rootMatch[1];
  const localName = (rootName.split(':').pop() ?? rootName).toLowerCase();
  const rootStartTag = doc.slice(rootStart, doc.indexOf('>', rootStart) + 1 || rootStart + rootName.length + 1);

  switch (localName) {
    case 'rss':
      return { kind: 'xml', format: 'rss', xml: doc, rootStartTag };
    case 'rdf':
      // rss-parser only knows the conventional "rdf:" prefix.
      return { kind: 'xml', format: 'rdf', xml: renameRoot(doc, rootName, 'rdf:RDF'), rootStartTag };
    case 'feed':
      return { kind: 'xml', format: 'atom', xml: rootName === 'feed' ? doc : unprefixAtom(doc, rootName), rootStartTag };
    case 'html':
    case 'head':
    case 'body':
      throw notAFeed('text/html');
    default:
      throw notAFeed(`application/xml (root <${rootName}>)`);
  }
}

function sniffJson(doc: string): SniffedDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch (error) {
    throw malformed(`invalid JSON: ${(error as Error).message}`, error);
  }
  if (isRecord(parsed) && looksLikeJsonFeed(parsed)) {
    if (!Array.isArray(parsed.items)) throw malformed('JSON Feed without an "items" array');
    return { kind: 'json', document: parsed };
  }
  throw notAFeed('application/json');
}

/**
 * JSON Feed declares `version: "https://jsonfeed.org/version/1.1"`. Some
 * generators write a bare "1.0"/"1.1" or omit it; home_page_url and feed_url
 * are JSON-Feed-specific enough to accept those, when items are present.
 */
function looksLikeJsonFeed(document: JsonRecord): boolean {
  const version = typeof document.version === 'string' ? document.version : '';
  if (version.includes('jsonfeed.org')) return true;
  if (!Array.isArray(document.items)) return false;
  return /^1(\.\d+)?$/.test(version.trim()) || typeof document.home_page_url === 'string' || typeof document.feed_url === 'string';
}

/**
 * Index of the root element: skips whitespace, processing instructions,
 * comments and a DOCTYPE (with its internal subset). An HTML doctype ends
 * the search: the document is a web page.
 */
function skipProlog(doc: string): number {
  let pos = 0;
  for (;;) {
    while (pos < doc.length && /\s/.test(doc[pos] as string)) pos += 1;
    if (doc.startsWith('<?', pos)) {
      const end = doc.indexOf('?>', pos + 2);
      if (end === -1) throw malformed('unterminated processing instruction');
      pos = end + 2;
    } else if (doc.startsWith('<!--', pos)) {
      const end = doc.indexOf('-->', pos + 4);
      if (end === -1) throw malformed('unterminated comment');
      pos = end + 3;
    } else if (/^<!doctype\s/i.test(doc.slice(pos, pos + 10))) {
      if (/^<!doctype\s+html\b/i.test(doc.slice(pos, pos + 32))) throw notAFeed('text/html');
      pos = endOfDoctype(doc, pos);
    } else {
      return pos;
    }
  }
}

function endOfDoctype(doc: string, start: number): number {
  let quote: string | undefined;
  let bracketDepth = 0;
  for (let i = start + 2; i < doc.length; i += 1) {
    const ch = doc[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') bracketDepth += 1;
    else if (ch === ']') bracketDepth = Math.max(0, bracketDepth - 1);
    else if (ch === '>' && bracketDepth === 0) return i + 1;
  }
  throw malformed('unterminated DOCTYPE');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function renameRoot(doc: string, from: string, to: string): string {
  if (from === to) return doc;
  const name = escapeRegExp(from);
  return doc.replace(new RegExp(`<${name}(?=[\\s>/])`), `<${to}`).replace(new RegExp(`</${name}\\s*>`, 'g'), `</${to}>`);
}

/** `<atom:feed>` with prefixed children: drop the prefix so rss-parser sees Atom. */
function unprefixAtom(doc: string, rootName: string): string {
  const prefix = escapeRegExp(rootName.slice(0, rootName.indexOf(':')));
  return doc.replace(new RegExp(`<(/?)${prefix}:`, 'g'), '<$1');
}

// ---------------------------------------------------------------------------
// XML repair: make common publisher mistakes well-formed before parsing.

const XML_PREDEFINED_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * Repair outside CDATA sections and comments:
 *  - HTML named entities (&nbsp; &rsquo; …) become numeric references, since
 *    XML only predefines five; unknown names and bare "&" become "&amp;";
 *  - numeric references to C1 controls (&#146;) mean windows-1252 characters;
 *  - "<" that cannot start markup ("x < y") becomes "&lt;";
 *  - anything after the root element's end tag is dropped.
 */
function repairXml(xml: string, rootName: string): string {
  const closeAt = xml.lastIndexOf(`</${rootName}`);
  if (closeAt !== -1) {
    const gt = xml.indexOf('>', closeAt);
    if (gt !== -1) xml = xml.slice(0, gt + 1);
  }
  // indexOf, not a lazy regex: an unterminated "<!--" must not cost O(n²).
  let repaired = '';
  let pos = 0;
  for (;;) {
    const cdata = xml.indexOf('<![CDATA[', pos);
    const comment = xml.indexOf('<!--', pos);
    const start = cdata === -1 ? comment : comment === -1 ? cdata : Math.min(cdata, comment);
    if (start === -1) return repaired + repairMarkupSegment(xml.slice(pos));
    const terminator = start === cdata ? ']]>' : '-->';
    const end = xml.indexOf(terminator, start + 4);
    const stop = end === -1 ? xml.length : end + terminator.length;
    repaired += repairMarkupSegment(xml.slice(pos, start)) + xml.slice(start, stop);
    pos = stop;
  }
}

function repairMarkupSegment(segment: string): string {
  return segment
    .replace(
      /&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z][A-Za-z0-9]{0,31}))?(;?)/g,
      (match, decimal: string | undefined, hex: string | undefined, name: string | undefined, semicolon: string) => {
        if (!semicolon) return `&amp;${match.slice(1)}`;
        if (decimal !== undefined || hex !== undefined) {
          const codePoint = windows1252Remap(decimal !== undefined ? Number(decimal) : parseInt(hex as string, 16));
          return isXmlChar(codePoint) ? `&#${codePoint};` : '&#xFFFD;';
        }
        if (name === undefined) return `&amp;${match.slice(1)}`;
        if (XML_PREDEFINED_ENTITIES.has(name)) return match;
        const codePoint = HTML_ENTITIES.get(name);
        return codePoint === undefined ? `&amp;${name};` : `&#${codePoint};`;
      },
    )
    .replace(/<(?![A-Za-z_:/!?])/g, '&lt;');
}

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

// ---------------------------------------------------------------------------
// rss-parser

/** Raw fields we ask rss-parser to copy (keepArray keeps attributes and repeats). */
interface RawItemFields {
  rawLinks?: unknown[];
  rawGuids?: unknown[];
  rawAttributes?: JsonRecord;
  rawAuthors?: unknown[];
  rawDcCreators?: unknown[];
  rawAtomLinks?: unknown[];
  rawOrigLinks?: unknown[];
  rawBodies?: JsonRecord;
  rawDates?: JsonRecord;
  [field: string]: unknown;
}

interface RawFeedFields {
  rawAttributes?: JsonRecord;
  rawAuthors?: unknown[];
  rawLinks?: unknown[];
  [field: string]: unknown;
}

type RawItem = Parser.Item & RawItemFields;
type RawFeed = Parser.Output<RawItemFields> & RawFeedFields;

const KEEP_ARRAY = { keepArray: true };
/** Where the item guards stash the original date elements. */
const RAW_DATES_KEY = '__storylineRawDates';
/**
 * Where the item guards move description / content:encoded / Atom content and
 * summary, out of rss-parser's sight: its snippet regexes are quadratic on
 * "<" without ">" (minutes for a 2 MB description), and we derive summaries
 * and HTML ourselves anyway.
 */
const RAW_BODIES_KEY = '__storylineRawBodies';
const RSS_BODY_ELEMENTS = ['description', 'content:encoded'];
const ATOM_BODY_ELEMENTS = ['content', 'summary'];
const DATE_ELEMENTS = [
  'pubDate',
  'dc:date',
  'published',
  'updated',
  'issued',
  'modified',
  'created',
  'atom:published',
  'atom:updated',
  'dcterms:issued',
  'dcterms:created',
  'dcterms:modified',
];

function customFieldsFor(format: XmlFormat): { feed: unknown[]; item: unknown[] } {
  const shared = [
    ['$', 'rawAttributes', KEEP_ARRAY],
    ['link', 'rawLinks', KEEP_ARRAY],
    ['author', 'rawAuthors', KEEP_ARRAY],
    ['feedburner:origLink', 'rawOrigLinks', KEEP_ARRAY],
  ];
  if (format === 'atom') {
    return {
      feed: [
        ['$', 'rawAttributes', KEEP_ARRAY],
        ['author', 'rawAuthors', KEEP_ARRAY],
        ['link', 'rawLinks', KEEP_ARRAY],
      ],
      item: [...shared, [RAW_DATES_KEY, 'rawDates'], [RAW_BODIES_KEY, 'rawBodies']],
    };
  }
  return {
    feed: [['$', 'rawAttributes', KEEP_ARRAY]],
    item: [
      ...shared,
      ['guid', 'rawGuids', KEEP_ARRAY],
      ['dc:creator', 'rawDcCreators', KEEP_ARRAY],
      ['atom:link', 'rawAtomLinks', KEEP_ARRAY],
      [RAW_DATES_KEY, 'rawDates'],
      [RAW_BODIES_KEY, 'rawBodies'],
    ],
  };
}

/**
 * Canonical spelling of element and attribute names rss-parser looks up; the
 * lenient pass lowercases every name, so these are put back.
 */
const CASE_SENSITIVE_NAMES = new Map(
  [
    'rdf:RDF',
    'pubDate',
    'lastBuildDate',
    'managingEditor',
    'webMaster',
    'isPermaLink',
    'feedburner:origLink',
    'skipHours',
    'skipDays',
    'textInput',
  ].map((name) => [name.toLowerCase(), name]),
);

function restoreNameCase(name: string): string {
  const lower = name.toLowerCase();
  return CASE_SENSITIVE_NAMES.get(lower) ?? lower;
}

/** The parts of rss-parser's class we wrap; not in its public typings. */
interface RssParserInternals {
  parseItemAtom(entry: unknown): unknown;
  buildAtomFeed(xmlObj: unknown): unknown;
  parseItemRss(xmlItem: unknown, itemFields: unknown): unknown;
  buildRSS0_9(xmlObj: unknown): unknown;
  buildRSS1(xmlObj: unknown): unknown;
  buildRSS2(xmlObj: unknown): unknown;
}

/**
 * A fresh parser per document: rss-parser mutates its options and keeps an
 * xml2js parser with state, and instances reused across documents have been
 * seen to cross-talk.
 */
function createParser(format: XmlFormat, lenient: boolean): Parser<RawFeedFields, RawItemFields> {
  const options = {
    defaultRSS: 2, // <rss> without a version attribute is RSS 2.0 in practice
    customFields: customFieldsFor(format),
    xml2js: lenient ? { strict: false, tagNameProcessors: [restoreNameCase], attrNameProcessors: [restoreNameCase] } : {},
  } as unknown as Parser.ParserOptions<RawFeedFields, RawItemFields>;
  const parser = new Parser<RawFeedFields, RawItemFields>(options);

  // rss-parser throws on some real-world entries (an Atom <published> it
  // cannot parse, a <link> without attributes, a <pubDate> with attributes),
  // and one throw loses the whole feed. Normalise the entry first; if it still
  // throws, lose only that entry.
  const internals = parser as unknown as RssParserInternals;
  const parseItemAtom = internals.parseItemAtom.bind(parser);
  internals.parseItemAtom = (entry) => {
    try {
      return parseItemAtom(guardAtomEntry(entry));
    } catch {
      return {};
    }
  };
  const buildAtomFeed = internals.buildAtomFeed.bind(parser);
  internals.buildAtomFeed = (xmlObj) => buildAtomFeed(guardAtomRoot(xmlObj));
  // A root without <channel> ("<rss version="0.91"></rss>") is an empty feed, not a crash.
  const buildRss09 = internals.buildRSS0_9.bind(parser);
  internals.buildRSS0_9 = (xmlObj) => buildRss09(withChannel(xmlObj, 'rss'));
  const buildRss1 = internals.buildRSS1.bind(parser);
  internals.buildRSS1 = (xmlObj) => buildRss1(withChannel(xmlObj, 'rdf:RDF'));
  const buildRss2 = internals.buildRSS2.bind(parser);
  internals.buildRSS2 = (xmlObj) => buildRss2(withChannel(xmlObj, 'rss'));
  const parseItemRss = internals.parseItemRss.bind(parser);
  internals.parseItemRss = (xmlItem, itemFields) => {
    try {
      return parseItemRss(guardRssItem(xmlItem), itemFields);
    } catch {
      return {};
    }
  };
  return parser;
}

function stashRawDates(element: JsonRecord, copy: JsonRecord): void {
  const rawDates: JsonRecord = {};
  for (const name of DATE_ELEMENTS) {
    const value = element[name];
    if (Array.isArray(value) && value.length > 0) rawDates[name] = textOf(value[0]);
  }
  copy[RAW_DATES_KEY] = [rawDates];
}

function stashBodies(element: JsonRecord, copy: JsonRecord, names: string[]): void {
  const bodies: JsonRecord = {};
  for (const name of names) {
    const value = element[name];
    if (Array.isArray(value) && value.length > 0) bodies[name] = value[0];
    delete copy[name];
  }
  copy[RAW_BODIES_KEY] = [bodies];
}

function withChannel(xmlObj: unknown, rootKey: string): unknown {
  if (!isRecord(xmlObj)) return xmlObj;
  const root = isRecord(xmlObj[rootKey]) ? (xmlObj[rootKey] as JsonRecord) : {};
  const channel = Array.isArray(root.channel) && root.channel.length > 0 ? root.channel : [{}];
  return { ...xmlObj, [rootKey]: { ...root, channel } };
}

function guardAtomEntry(entry: unknown): unknown {
  if (!isRecord(entry)) return entry;
  const copy: JsonRecord = { ...entry };
  stashRawDates(entry, copy);
  stashBodies(entry, copy, ATOM_BODY_ELEMENTS);
  // rss-parser calls new Date(x).toISOString() on these unguarded.
  for (const name of ['published', 'updated']) {
    const value = entry[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? textOf(value[0])?.trim() : undefined;
    if (text && !Number.isNaN(new Date(text).getTime())) copy[name] = [text];
    else delete copy[name];
  }
  const links = normaliseAtomLinks(entry.link);
  if (links) copy.link = links;
  else delete copy.link;
  return copy;
}

function guardAtomRoot(xmlObj: unknown): unknown {
  if (!isRecord(xmlObj) || !isRecord(xmlObj.feed)) return xmlObj;
  const feed: JsonRecord = { ...xmlObj.feed };
  const links = normaliseAtomLinks(feed.link);
  if (links) feed.link = links;
  else delete feed.link;
  return { ...xmlObj, feed };
}

function guardRssItem(xmlItem: unknown): unknown {
  if (!isRecord(xmlItem)) return xmlItem;
  const copy: JsonRecord = { ...xmlItem };
  stashRawDates(xmlItem, copy);
  stashBodies(xmlItem, copy, RSS_BODY_ELEMENTS);
  // rss-parser calls .trim() on these, which fails on elements with attributes.
  for (const name of ['pubDate', 'dc:date']) {
    const value = xmlItem[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? textOf(value[0]) : undefined;
    if (text) copy[name] = [text];
    else delete copy[name];
  }
  return copy;
}

/** Atom links as `{ $: { href, rel, … } }`; a bare `<link>url</link>` is accepted too. */
function normaliseAtomLinks(value: unknown): JsonRecord[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const links: JsonRecord[] = [];
  for (const link of value) {
    if (isRecord(link) && isRecord(link.$)) {
      links.push(link);
      continue;
    }
    const href = textOf(link)?.trim();
    if (href) links.push({ $: { href } });
  }
  return links.length > 0 ? links : undefined;
}

async function runParser(xml: string, format: XmlFormat, lenient: boolean): Promise<RawFeed> {
  return (await createParser(format, lenient).parseString(xml)) as RawFeed;
}

async function parseXmlFeed(
  xml: string,
  format: XmlFormat,
  rootStartTag: string,
  documentUrl: string | undefined,
  maxItems: number,
): Promise<ParsedFeed> {
  const rootName = format === 'rdf' ? 'rdf:RDF' : format === 'atom' ? 'feed' : 'rss';
  const repaired = repairXml(boundXml(xml, format === 'atom' ? 'entry' : 'item', maxItems), rootName);
  let raw: RawFeed;
  try {
    raw = await runParser(repaired, format, false);
  } catch (strictError) {
    // Ill-formed XML (unclosed <br>, mismatched tags, <RSS> in capitals …): a
    // lenient second pass recovers most of it; report the strict error if
    // that fails too.
    try {
      raw = await runParser(repaired, format, true);
    } catch {
      const message = (strictError as Error).message;
      // rss-parser's words for a root with nothing in it ("<rss></rss>", "<feed/>").
      if (/^Feed not recognized/.test(message)) return { format, items: [] };
      throw malformed(message.replace(/\s+/g, ' ').trim(), strictError);
    }
  }
  return mapXmlFeed(raw, format, rootStartTag, documentUrl, maxItems);
}

/**
 * One linear pass over the markup (CDATA, comments and PIs skipped) that
 *  - refuses nesting deeper than MAX_NESTING_DEPTH, and
 *  - cuts the document where item maxItems+1 starts, closing the elements
 *    still open there, so xml2js never builds a tree for items we would drop.
 * End tags pop back to their matching start tag, as HTML parsers do, so an
 * unclosed <br> in naked HTML does not count as depth for the rest of the document.
 */
function boundXml(xml: string, itemName: string, maxItems: number): string {
  const open: string[] = [];
  let items = 0;
  let pos = xml.indexOf('<');
  while (pos !== -1 && pos < xml.length) {
    const next = xml.charCodeAt(pos + 1);
    if (next === 0x21 /* ! */) {
      const end = xml.startsWith('<![CDATA[', pos)
        ? indexAfter(xml, ']]>', pos + 9)
        : xml.startsWith('<!--', pos)
          ? indexAfter(xml, '-->', pos + 4)
          : indexAfter(xml, '>', pos + 2);
      pos = xml.indexOf('<', end);
      continue;
    }
    if (next === 0x3f /* ? */) {
      pos = xml.indexOf('<', indexAfter(xml, '?>', pos + 2));
      continue;
    }
    const closing = next === 0x2f; /* / */
    const nameMatch = /^[A-Za-z_][\w.:-]*/.exec(xml.slice(pos + (closing ? 2 : 1), pos + (closing ? 2 : 1) + 128));
    if (!nameMatch) {
      pos = xml.indexOf('<', pos + 1);
      continue;
    }
    const name = nameMatch[0].toLowerCase();
    const tagEnd = endOfTag(xml, pos + 1);
    if (closing) {
      const at = open.lastIndexOf(name);
      if (at !== -1) open.length = at;
    } else {
      const localName = name.slice(name.indexOf(':') + 1);
      if (localName === itemName && open.every((n) => n.slice(n.indexOf(':') + 1) !== itemName)) {
        items += 1;
        if (items > maxItems) {
          return (
            xml.slice(0, pos) +
            open
              .reverse()
              .map((n) => `</${restoreOpenName(xml, n)}>`)
              .join('')
          );
        }
      }
      const selfClosing = xml.charCodeAt(tagEnd - 2) === 0x2f;
      if (!selfClosing && !VOID_ELEMENTS.has(name)) {
        open.push(name);
        if (open.length > MAX_NESTING_DEPTH) throw malformed(`elements nested deeper than ${MAX_NESTING_DEPTH}`);
      }
    }
    pos = xml.indexOf('<', tagEnd);
  }
  return xml;
}

function indexAfter(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? text.length : at + terminator.length;
}

/** Position just after the ">" closing the tag that starts at `from`; quoted attribute values may hold ">". */
function endOfTag(xml: string, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i += 1) {
    const ch = xml.charCodeAt(i);
    if (quote) {
      if (ch === quote) quote = 0;
    } else if (ch === 0x22 || ch === 0x27) quote = ch;
    else if (ch === 0x3e) return i + 1;
    else if (ch === 0x3c) return i; // "<" before ">": a broken tag; resume at the next markup
  }
  return xml.length;
}

/** The case the document used for an element we lowercased (strict XML parsing is case-sensitive). */
function restoreOpenName(xml: string, lowerName: string): string {
  const match = new RegExp(`<(${escapeRegExp(lowerName)})(?=[\\s>/])`, 'i').exec(xml);
  return match?.[1] ?? lowerName;
}

// ---------------------------------------------------------------------------
// Mapping rss-parser output to ParsedFeed

interface LinkContext {
  /** Base for relative item links when an item has no xml:base of its own. */
  linkBase: string | undefined;
  /** Base an item's own xml:base is resolved against. */
  xmlBaseParent: string | undefined;
  /** Atom: feed-level authors apply to entries without their own. */
  feedAuthor: string | undefined;
}

function xmlBaseOf(attributes: unknown): string | undefined {
  if (!isRecord(attributes)) return undefined;
  const value = attributes['xml:base'];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function xmlBaseFromStartTag(startTag: string): string | undefined {
  const match = /\sxml:base\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(startTag);
  const value = match ? (match[1] ?? match[2]) : undefined;
  return value?.trim() ? value.trim() : undefined;
}

function mapXmlFeed(raw: RawFeed, format: XmlFormat, rootStartTag: string, documentUrl: string | undefined, maxItems: number): ParsedFeed {
  // xml:base on the root (or RSS <channel>) is the document's declared base.
  const declaredBase = xmlBaseOf(raw.rawAttributes) ?? xmlBaseFromStartTag(rootStartTag);
  const feedBase = resolveHttpUrl(declaredBase, documentUrl) ?? documentUrl;
  // rss-parser falls back to the first Atom link, which may be rel="self".
  const feedLink = format === 'atom' ? firstHttpUrl(atomLinkHrefs(raw.rawLinks), feedBase) : resolveHttpUrl(textOf(raw.link), feedBase);

  // RSS has no base semantics; relative item links are relative to the site
  // (<channel><link>) in practice, e.g. WordPress "?p=123". Atom follows
  // RFC 4287: xml:base, else the document URL.
  const linkBase = format === 'atom' ? (feedBase ?? feedLink) : declaredBase ? feedBase : (feedLink ?? feedBase);
  const context: LinkContext = {
    linkBase,
    xmlBaseParent: feedBase,
    feedAuthor: format === 'atom' ? joinNames(personNames(raw.rawAuthors)) : undefined,
  };

  const items: ParsedFeedItem[] = [];
  for (const rawItem of raw.items ?? []) {
    if (items.length >= maxItems) break;
    const item = format === 'atom' ? mapAtomEntry(rawItem, context) : mapRssItem(rawItem, format, context);
    if (item) items.push(item);
  }

  return {
    format,
    ...optional('title', plainText(textOf(raw.title))),
    ...optional('link', feedLink),
    ...optional('ttlMinutes', ttlMinutesOf(textOf(raw.ttl))),
    items,
  };
}

/** RSS <ttl> in minutes; nonsense (negative, not a number, more than a week) is ignored. */
function ttlMinutesOf(value: string | undefined): number | undefined {
  const minutes = Number(value?.trim());
  return value?.trim() && Number.isInteger(minutes) && minutes > 0 && minutes <= 7 * 24 * 60 ? minutes : undefined;
}

function itemLinkBase(rawItem: RawItem, context: LinkContext): string | undefined {
  const itemBase = xmlBaseOf(rawItem.rawAttributes);
  return (itemBase && resolveHttpUrl(itemBase, context.xmlBaseParent)) || context.linkBase;
}

function mapRssItem(rawItem: RawItem, format: XmlFormat, context: LinkContext): ParsedFeedItem | undefined {
  if (!isRecord(rawItem)) return undefined;
  const base = itemLinkBase(rawItem, context);
  const guid = textOf(rawItem.rawGuids?.[0])?.trim() || (format === 'rdf' ? textOf(rawItem['rdf:about'])?.trim() : '');

  const link =
    firstHttpUrl(
      [...linkCandidates(rawItem.rawOrigLinks), ...rssLinkCandidates(rawItem.rawLinks), ...atomLinkHrefs(rawItem.rawAtomLinks)],
      base,
    ) ??
    guidAsLink(rawItem.rawGuids?.[0], base) ??
    (format === 'rdf' ? resolveHttpUrl(textOf(rawItem['rdf:about']), base) : undefined);
  if (!link) return undefined;

  const bodies = isRecord(rawItem.rawBodies) ? rawItem.rawBodies : {};
  const description = elementHtml(bodies.description);
  const encoded = elementHtml(bodies['content:encoded']);
  const dates = isRecord(rawItem.rawDates) ? rawItem.rawDates : {};
  const publishedAt = firstIsoDate([
    dates.pubDate,
    dates['dc:date'],
    dates['atom:published'],
    dates['dcterms:issued'],
    dates['dcterms:created'],
    dates['atom:updated'],
    dates['dcterms:modified'],
    rawItem.isoDate,
  ]);
  const author = joinNames(personNames(rawItem.rawDcCreators)) ?? joinNames(rssAuthorNames(rawItem.rawAuthors));

  return {
    guid: guid || link,
    link,
    title: plainText(textOf(rawItem.title)) ?? '',
    ...optional('publishedAt', publishedAt),
    ...optional('summary', summaryOf(description ?? encoded)),
    ...optional('contentHtml', encoded?.trim() ? encoded : undefined),
    ...optional('author', author),
  };
}

function mapAtomEntry(rawItem: RawItem, context: LinkContext): ParsedFeedItem | undefined {
  if (!isRecord(rawItem)) return undefined;
  const base = itemLinkBase(rawItem, context);
  const guid = textOf(rawItem.id)?.trim();
  // No usable <link>: an http(s) <id> is usually the permalink.
  const link =
    firstHttpUrl([...linkCandidates(rawItem.rawOrigLinks), ...atomLinkHrefs(rawItem.rawLinks)], base) ??
    (guid && /^https?:\/\//i.test(guid) ? resolveHttpUrl(guid, undefined) : undefined);
  if (!link) return undefined;

  const dates = isRecord(rawItem.rawDates) ? rawItem.rawDates : {};
  const publishedAt = firstIsoDate([dates.published, dates.issued, dates.created, dates.updated, dates.modified, rawItem.isoDate]);
  const bodies = isRecord(rawItem.rawBodies) ? rawItem.rawBodies : {};
  const contentHtml = atomContentHtml(bodies.content);
  const summary = summaryOf(elementHtml(bodies.summary) ?? contentHtml);

  return {
    guid: guid || link,
    link,
    title: plainText(textOf(rawItem.title)) ?? '',
    ...optional('publishedAt', publishedAt),
    ...optional('summary', summary),
    ...optional('contentHtml', contentHtml),
    ...optional('author', joinNames(personNames(rawItem.rawAuthors)) ?? context.feedAuthor),
  };
}

/** Atom content as HTML: type="text" is escaped, inline xhtml unwrapped, out-of-line (src=) skipped. */
function atomContentHtml(rawContent: unknown): string | undefined {
  const attributes = isRecord(rawContent) && isRecord(rawContent.$) ? rawContent.$ : {};
  if (typeof attributes.src === 'string') return undefined;
  const parsedContent = elementHtml(rawContent);
  if (!parsedContent?.trim()) return undefined;
  // No type means text by RFC 4287, but feeds that omit it usually carry escaped HTML.
  const declaredType = typeof attributes.type === 'string' ? attributes.type.trim().toLowerCase() : undefined;
  const type = declaredType ?? (/<[A-Za-z][^<>]*>/.test(parsedContent) ? 'html' : 'text');
  if (type === 'xhtml') {
    // RFC 4287: the XHTML <div> wrapping inline content is not part of it.
    return parsedContent.replace(/^\s*<div\b[^>]*>/, '').replace(/<\/div>\s*$/, '');
  }
  if (type === 'text' || type === 'text/plain') {
    return parsedContent
      .split(/\n\s*\n/)
      .map((paragraph) => paragraph.trim())
      .filter(Boolean)
      .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
      .join('\n');
  }
  return parsedContent;
}

/**
 * HTML of an element as xml2js gives it: a string (escaped or CDATA HTML) is
 * already HTML; an object is inline markup (Atom xhtml, or "naked" HTML in
 * RSS) and is serialised back. xml2js keeps text apart from child elements,
 * so mixed content comes back with its text first: best effort, as in
 * rss-parser.
 */
function elementHtml(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  // Text-only element with attributes (<content type="html">…</content>): its text is the HTML.
  const hasChildElements = Object.keys(value).some((key) => key !== '_' && key !== '$');
  if (!hasChildElements) return typeof value._ === 'string' ? value._ : undefined;
  const html = innerHtml(value, 0);
  return html || undefined;
}

const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'source', 'wbr', 'area', 'col', 'embed']);
const MAX_MARKUP_DEPTH = 64;

function innerHtml(element: JsonRecord, depth: number): string {
  let html = typeof element._ === 'string' ? escapeHtml(element._) : '';
  for (const [name, children] of Object.entries(element)) {
    if (name === '_' || name === '$') continue;
    for (const child of Array.isArray(children) ? children : [children]) html += outerHtml(name, child, depth + 1);
  }
  return html;
}

function outerHtml(name: string, element: unknown, depth: number): string {
  if (depth > MAX_MARKUP_DEPTH) return escapeHtml(textOf(element) ?? '');
  const attributes = isRecord(element) && isRecord(element.$) ? element.$ : {};
  const attributeHtml = Object.entries(attributes)
    .filter(([, value]) => typeof value === 'string')
    .map(([key, value]) => ` ${key}="${escapeHtml(value as string)}"`)
    .join('');
  const inner = typeof element === 'string' ? escapeHtml(element) : isRecord(element) ? innerHtml(element, depth) : '';
  // A lenient parse nests what follows an unclosed <br> inside it.
  if (VOID_ELEMENTS.has(name.toLowerCase())) return `<${name}${attributeHtml}>${inner}`;
  return `<${name}${attributeHtml}>${inner}</${name}>`;
}

// ---------------------------------------------------------------------------
// Links

function absoluteHttpUrl(value: string | undefined): string | undefined {
  return resolveHttpUrl(value, undefined);
}

/** Absolute http(s) URL or undefined: javascript:, data:, vbscript:, mailto: … are never followed. */
function resolveHttpUrl(value: string | undefined, base: string | undefined): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname) return undefined;
  return url.href;
}

function firstHttpUrl(candidates: string[], base: string | undefined): string | undefined {
  for (const candidate of candidates) {
    const url = resolveHttpUrl(candidate, base);
    if (url) return url;
  }
  return undefined;
}

function linkCandidates(values: unknown[] | undefined): string[] {
  return (values ?? []).map((value) => textOf(value)?.trim() ?? '').filter(Boolean);
}

/** RSS <link>: text, or an href attribute when a feed uses Atom-style links unprefixed. */
function rssLinkCandidates(values: unknown[] | undefined): string[] {
  const candidates: string[] = [];
  for (const value of values ?? []) {
    if (isRecord(value) && isRecord(value.$) && typeof value.$.href === 'string') {
      const rel = value.$.rel;
      if (rel === undefined || rel === 'alternate') candidates.push(value.$.href);
      continue;
    }
    const text = textOf(value)?.trim();
    if (text) candidates.push(text);
  }
  return candidates;
}

/** Atom <link> hrefs, rel="alternate" (or no rel, which means alternate) first. */
function atomLinkHrefs(values: unknown[] | undefined): string[] {
  const alternates: string[] = [];
  const others: string[] = [];
  for (const value of values ?? []) {
    const attributes = isRecord(value) && isRecord(value.$) ? value.$ : undefined;
    const href = typeof attributes?.href === 'string' ? attributes.href : textOf(value);
    if (!href?.trim()) continue;
    const rel = typeof attributes?.rel === 'string' ? attributes.rel.trim().toLowerCase() : 'alternate';
    if (rel === 'alternate' || rel === '') alternates.push(href);
    else if (rel !== 'self' && rel !== 'enclosure' && rel !== 'replies' && rel !== 'edit' && rel !== 'license') {
      others.push(href);
    }
  }
  return [...alternates, ...others];
}

/**
 * RSS 2.0: a <guid> is a permalink unless isPermaLink="false". Many feeds use
 * opaque ids without saying so, so only URL-shaped guids (absolute, or
 * root-relative) are trusted unless isPermaLink="true" is explicit.
 */
function guidAsLink(rawGuid: unknown, base: string | undefined): string | undefined {
  const value = textOf(rawGuid)?.trim();
  if (!value) return undefined;
  const attributes = isRecord(rawGuid) && isRecord(rawGuid.$) ? rawGuid.$ : {};
  const isPermaLink = String(attributes.isPermaLink ?? attributes.ispermalink ?? '').toLowerCase();
  if (isPermaLink === 'false') return undefined;
  if (isPermaLink === 'true' || /^https?:\/\//i.test(value) || value.startsWith('/')) {
    return resolveHttpUrl(value, base);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// People

function personNames(values: unknown[] | undefined): string[] {
  const names: string[] = [];
  for (const value of values ?? []) {
    // Atom <author><name>…</name></author>; Dublin Core and JSON give text.
    const name = isRecord(value) && value.name !== undefined ? textOf(value.name) : textOf(value);
    const cleaned = plainText(name);
    if (cleaned) names.push(cleaned);
  }
  return names;
}

/** RSS <author> is "email (Name)" by the spec; keep the name, drop bare addresses. */
function rssAuthorNames(values: unknown[] | undefined): string[] {
  const names: string[] = [];
  for (const name of personNames(values)) {
    const inParentheses = /\(([^)]+)\)\s*$/.exec(name)?.[1]?.trim();
    if (inParentheses) names.push(inParentheses);
    else if (!/^[^\s@]+@[^\s@]+$/.test(name)) names.push(name);
  }
  return names;
}

function joinNames(names: string[]): string | undefined {
  const unique = [...new Set(names)];
  return unique.length > 0 ? unique.join(', ') : undefined;
}

// ---------------------------------------------------------------------------
// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1)

function jsonString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** 1.1 `authors: [{name}]`, else 1.0 `author: {name}`. */
function jsonAuthorNames(record: JsonRecord): string[] {
  const people = Array.isArray(record.authors) ? record.authors : record.author !== undefined ? [record.author] : [];
  return personNames(people.map((person) => (isRecord(person) ? jsonString(person.name) : jsonString(person))));
}

function mapJsonFeed(document: JsonRecord, documentUrl: string | undefined, maxItems: number): ParsedFeed {
  const homePage = resolveHttpUrl(jsonString(document.home_page_url), documentUrl);
  const linkBase = homePage ?? documentUrl;
  const feedAuthor = joinNames(jsonAuthorNames(document));

  const items: ParsedFeedItem[] = [];
  for (const entry of Array.isArray(document.items) ? document.items : []) {
    if (items.length >= maxItems) break;
    if (!isRecord(entry)) continue;
    const link = resolveHttpUrl(jsonString(entry.url), linkBase) ?? resolveHttpUrl(jsonString(entry.external_url), linkBase);
    if (!link) continue;
    const contentHtml = jsonString(entry.content_html);
    const contentText = jsonString(entry.content_text);
    // summary and content_text are plain text in JSON Feed, unlike RSS/Atom fields.
    const summary = plainTextSummaryOf(jsonString(entry.summary) ?? contentText) ?? summaryOf(contentHtml);
    const html = contentHtml?.trim()
      ? contentHtml
      : contentText?.trim()
        ? contentText
            .split(/\n\s*\n/)
            .map((paragraph) => paragraph.trim())
            .filter(Boolean)
            .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
            .join('\n')
        : undefined;
    items.push({
      guid: jsonString(entry.id)?.trim() || link,
      link,
      title: plainText(jsonString(entry.title)) ?? '',
      ...optional('publishedAt', firstIsoDate([entry.date_published, entry.date_modified])),
      ...optional('summary', summary),
      ...optional('contentHtml', html),
      ...optional('author', joinNames(jsonAuthorNames(entry)) ?? feedAuthor),
    });
  }

  return {
    format: 'json',
    ...optional('title', plainText(jsonString(document.title))),
    ...optional('link', homePage),
    items,
  };
}

// ---------------------------------------------------------------------------
// Dates

/** Zone abbreviations JavaScript's Date does not know (it knows UT, GMT, Z and US zones). */
const ZONE_OFFSETS: Record<string, string> = {
  UTC: '+0000',
  WET: '+0000',
  WEST: '+0100',
  BST: '+0100',
  CET: '+0100',
  MET: '+0100',
  CEST: '+0200',
  MEST: '+0200',
  EET: '+0200',
  EEST: '+0300',
  MSK: '+0300',
  IST: '+0530',
  SGT: '+0800',
  HKT: '+0800',
  AWST: '+0800',
  JST: '+0900',
  KST: '+0900',
  ACST: '+0930',
  AEST: '+1000',
  AEDT: '+1100',
  NZST: '+1200',
  NZDT: '+1300',
};

const HAS_ZONE = /(?:[zZ]|[+-]\d{2}:?\d{2}|\b(?:GMT|UTC?|[ECMP][SD]T)(?:[+-]\d{1,4})?)(?:\s*\([^)]*\))?\s*$/;

/** ISO 8601 (UTC) for a feed date, or undefined. Dates without a zone are read as UTC, never server-local. */
export function toIsoDate(value: unknown): string | undefined {
  const text = textOf(value)?.trim().replace(/\s+/g, ' ');
  if (!text || text.length > 100) return undefined;
  // Bare numbers ("1", "12") are not dates, though Date.parse accepts them.
  const digits = text.replace(/\D/g, '').length;
  if (digits < 6 && !/\d{4}/.test(text)) return undefined;

  let candidate = text.replace(/\b([A-Z]{3,4})(\s*\([^)]*\))?$/, (match, zone: string) => {
    const offset = ZONE_OFFSETS[zone];
    return offset ?? match;
  });
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?$/.test(candidate)) {
    candidate = `${candidate.replace(' ', 'T').replace(',', '.')}Z`;
  } else if (!/^\d{4}-\d{2}-\d{2}$/.test(candidate) && !HAS_ZONE.test(candidate) && /\d{1,2}:\d{2}/.test(candidate)) {
    const asUtc = Date.parse(`${candidate} GMT`);
    if (!Number.isNaN(asUtc)) return isoIfSane(asUtc);
  }
  const ms = Date.parse(candidate);
  return Number.isNaN(ms) ? undefined : isoIfSane(ms);
}

function isoIfSane(ms: number): string | undefined {
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  return year >= 1000 && year <= 9999 ? date.toISOString() : undefined;
}

function firstIsoDate(values: unknown[]): string | undefined {
  for (const value of values) {
    const iso = toIsoDate(value);
    if (iso) return iso;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Text

/** Text content of an xml2js value: a string, `{ _: text, child: [...] }`, or an array of those. */
function textOf(value: unknown, depth = 0): string | undefined {
  if (value === undefined || value === null || depth > 32) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length > 0 ? textOf(value[0], depth + 1) : undefined;
  if (!isRecord(value)) return undefined;
  const parts: string[] = [];
  if (typeof value._ === 'string') parts.push(value._);
  for (const [key, child] of Object.entries(value)) {
    if (key === '_' || key === '$') continue;
    for (const element of Array.isArray(child) ? child : [child]) {
      const text = textOf(element, depth + 1);
      if (text) parts.push(text);
    }
  }
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Cut at the last word boundary before `max` characters, with an ellipsis. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > max * 0.6 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

/** Enough HTML to fill a summary; bounds the work on megabyte-sized content. */
const SUMMARY_SOURCE_CHARS = 40_000;

function summaryOf(html: string | undefined): string | undefined {
  if (!html) return undefined;
  const text = htmlToText(html.slice(0, SUMMARY_SOURCE_CHARS));
  return text ? truncateText(text, SUMMARY_MAX_CHARS) : undefined;
}

function plainTextSummaryOf(text: string | undefined): string | undefined {
  const collapsed = text?.slice(0, SUMMARY_SOURCE_CHARS).replace(/\s+/g, ' ').trim();
  return collapsed ? truncateText(collapsed, SUMMARY_MAX_CHARS) : undefined;
}

/** Titles, names: HTML-as-text, one line. Undefined when nothing is left. */
const PLAIN_TEXT_SOURCE_CHARS = 4_000;

function plainText(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const text = htmlToText(value.slice(0, PLAIN_TEXT_SOURCE_CHARS));
  return text || undefined;
}

const BLOCK_TAGS = new Set(
  (
    'address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li main nav ' +
    'ol p pre section table td th tr ul'
  ).split(' '),
);

/** Remove `<name …>…</name>` elements (script, style …) in linear time, even when unterminated. */
function removeElements(html: string, names: string[]): string {
  const lower = html.toLowerCase();
  let result = '';
  let pos = 0;
  for (;;) {
    let start = -1;
    let matched = '';
    for (const name of names) {
      let at = lower.indexOf(`<${name}`, pos);
      while (at !== -1 && /[\w-]/.test(lower[at + name.length + 1] ?? ' ')) at = lower.indexOf(`<${name}`, at + 1);
      if (at !== -1 && (start === -1 || at < start)) {
        start = at;
        matched = name;
      }
    }
    if (start === -1) return result + html.slice(pos);
    result += `${html.slice(pos, start)} `;
    const end = lower.indexOf(`</${matched}`, start);
    if (end === -1) return result;
    const gt = lower.indexOf('>', end);
    pos = gt === -1 ? html.length : gt + 1;
  }
}

function removeComments(html: string): string {
  let result = '';
  let pos = 0;
  for (;;) {
    const start = html.indexOf('<!--', pos);
    if (start === -1) return result + html.slice(pos);
    result += `${html.slice(pos, start)} `;
    const end = html.indexOf('-->', start + 4);
    if (end === -1) return result;
    pos = end + 3;
  }
}

/**
 * HTML fragment → plain text: scripts, styles and comments removed, tags
 * stripped (block tags become spaces), entities decoded once, whitespace
 * collapsed. "x < y" survives: only "<" followed by a tag name is markup.
 */
export function htmlToText(html: string): string {
  const withoutCode = removeElements(removeComments(html), ['script', 'style', 'noscript', 'template']);
  const withoutTags = withoutUnterminatedTag(
    withoutCode
      .replace(/<!\[CDATA\[|\]\]>/g, '')
      // [^<>]* rather than [^>]*: stays linear on "<a<a<a…" without a ">".
      .replace(/<\/?([A-Za-z][A-Za-z0-9-]*)\b[^<>]*>/g, (_tag, name: string) => (BLOCK_TAGS.has(name.toLowerCase()) ? ' ' : '')),
  );
  return decodeHtmlEntities(withoutTags).replace(/\s+/g, ' ').trim();
}

/** Drop a tag cut off by truncation ("… <a href=\"/x"). */
function withoutUnterminatedTag(text: string): string {
  const lastOpen = text.lastIndexOf('<');
  if (lastOpen === -1 || text.indexOf('>', lastOpen) !== -1) return text;
  return /^<\/?[A-Za-z]/.test(text.slice(lastOpen, lastOpen + 3)) ? text.slice(0, lastOpen) : text;
}

/** Numeric references 128–159 mean windows-1252 characters in HTML (and in practice in feeds). */
const WINDOWS_1252_C1 = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019,
  0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function windows1252Remap(codePoint: number): number {
  return codePoint >= 0x80 && codePoint <= 0x9f ? (WINDOWS_1252_C1[codePoint - 0x80] as number) : codePoint;
}

/** Decode HTML character references once (`&amp;amp;` → `&amp;`). Unknown names are left as written. */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    /&(?:#(\d{1,8})|#[xX]([0-9A-Fa-f]{1,8})|([A-Za-z][A-Za-z0-9]{1,31}));/g,
    (match, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
      if (name !== undefined) {
        const codePoint = HTML_ENTITIES.get(name);
        return codePoint === undefined ? match : String.fromCodePoint(codePoint);
      }
      const codePoint = windows1252Remap(decimal !== undefined ? Number(decimal) : parseInt(hex as string, 16));
      if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return '\uFFFD';
      return String.fromCodePoint(codePoint);
    },
  );
}

/** HTML 4 named character references (plus &apos;): what feeds actually use. */
const HTML_ENTITIES = new Map<string, number>(
  (
    'amp:38 gt:62 lt:60 quot:34 apos:39 nbsp:160 iexcl:161 cent:162 pound:163 curren:164 yen:165 brvbar:166 ' +
    'sect:167 uml:168 copy:169 ordf:170 laquo:171 not:172 shy:173 reg:174 macr:175 deg:176 plusmn:177 sup2:178 ' +
    'sup3:179 acute:180 micro:181 para:182 middot:183 cedil:184 sup1:185 ordm:186 raquo:187 frac14:188 ' +
    'frac12:189 frac34:190 iquest:191 Agrave:192 Aacute:193 Acirc:194 Atilde:195 Auml:196 Aring:197 AElig:198 ' +
    'Ccedil:199 Egrave:200 Eacute:201 Ecirc:202 Euml:203 Igrave:204 Iacute:205 Icirc:206 Iuml:207 ETH:208 ' +
    'Ntilde:209 Ograve:210 Oacute:211 Ocirc:212 Otilde:213 Ouml:214 times:215 Oslash:216 Ugrave:217 Uacute:218 ' +
    'Ucirc:219 Uuml:220 Yacute:221 THORN:222 szlig:223 agrave:224 aacute:225 acirc:226 atilde:227 auml:228 ' +
    'aring:229 aelig:230 ccedil:231 egrave:232 eacute:233 ecirc:234 euml:235 igrave:236 iacute:237 icirc:238 ' +
    'iuml:239 eth:240 ntilde:241 ograve:242 oacute:243 ocirc:244 otilde:245 ouml:246 divide:247 oslash:248 ' +
    'ugrave:249 uacute:250 ucirc:251 uuml:252 yacute:253 thorn:254 yuml:255 OElig:338 oelig:339 Scaron:352 ' +
    'scaron:353 Yuml:376 fnof:402 circ:710 tilde:732 Alpha:913 Beta:914 Gamma:915 Delta:916 Epsilon:917 ' +
    'Zeta:918 Eta:919 Theta:920 Iota:921 Kappa:922 Lambda:923 Mu:924 Nu:925 Xi:926 Omicron:927 Pi:928 Rho:929 ' +
    'Sigma:931 Tau:932 Upsilon:933 Phi:934 Chi:935 Psi:936 Omega:937 alpha:945 beta:946 gamma:947 delta:948 ' +
    'epsilon:949 zeta:950 eta:951 theta:952 iota:953 kappa:954 lambda:955 mu:956 nu:957 xi:958 omicron:959 ' +
    'pi:960 rho:961 sigmaf:962 sigma:963 tau:964 upsilon:965 phi:966 chi:967 psi:968 omega:969 thetasym:977 ' +
    'upsih:978 piv:982 ensp:8194 emsp:8195 thinsp:8201 zwnj:8204 zwj:8205 lrm:8206 rlm:8207 ndash:8211 ' +
    'mdash:8212 lsquo:8216 rsquo:8217 sbquo:8218 ldquo:8220 rdquo:8221 bdquo:8222 dagger:8224 Dagger:8225 ' +
    'bull:8226 hellip:8230 permil:8240 prime:8242 Prime:8243 lsaquo:8249 rsaquo:8250 oline:8254 frasl:8260 ' +
    'euro:8364 image:8465 weierp:8472 real:8476 trade:8482 alefsym:8501 larr:8592 uarr:8593 rarr:8594 ' +
    'darr:8595 harr:8596 crarr:8629 lArr:8656 uArr:8657 rArr:8658 dArr:8659 hArr:8660 forall:8704 part:8706 ' +
    'exist:8707 empty:8709 nabla:8711 isin:8712 notin:8713 ni:8715 prod:8719 sum:8721 minus:8722 lowast:8727 ' +
    'radic:8730 prop:8733 infin:8734 ang:8736 and:8743 or:8744 cap:8745 cup:8746 int:8747 there4:8756 sim:8764 ' +
    'cong:8773 asymp:8776 ne:8800 equiv:8801 le:8804 ge:8805 sub:8834 sup:8835 nsub:8836 sube:8838 supe:8839 ' +
    'oplus:8853 otimes:8855 perp:8869 sdot:8901 lceil:8968 rceil:8969 lfloor:8970 rfloor:8971 lang:10216 ' +
    'rang:10217 loz:9674 spades:9824 clubs:9827 hearts:9829 diams:9830'
  )
    .split(' ')
    .map((pair): [string, number] => {
      const [name, code] = pair.split(':');
      return [name as string, Number(code)];
    }),
);
