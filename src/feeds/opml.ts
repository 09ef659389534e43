/**
 * OPML 1.0/2.0 subscription lists, the format every feed reader imports and
 * exports. Pure. Reading is a linear scan of <outline> start tags rather than
 * an XML parse: subscription lists are flat data in attributes, exports from
 * real readers are often not well-formed, and a scan cannot be made to expand
 * entities or fetch anything.
 */
import type { FeedConfig } from '../types';

export interface OpmlFeed {
  xmlUrl: string;
  title?: string;
  htmlUrl?: string;
}

export class OpmlError extends Error {
  override readonly name = 'OpmlError';
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXmlAttribute(value: string): string {
  return value.replace(/&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g, (m, dec?: string, hex?: string, name?: string) => {
    if (name) return XML_ENTITIES[name] as string;
    const cp = dec !== undefined ? Number(dec) : parseInt(hex as string, 16);
    return cp > 0 && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : m;
  });
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out[(m[1] as string).toLowerCase()] = decodeXmlAttribute(m[2] ?? m[3] ?? '');
  }
  return out;
}

/** Every outline with an http(s) xmlUrl, nested folders included, first occurrence of each URL. */
export function parseOpml(text: string): OpmlFeed[] {
  if (!/<opml[\s>]/i.test(text.slice(0, 4096))) throw new OpmlError('not an OPML document (no <opml> element)');
  const feeds: OpmlFeed[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(/<outline\b[^>]*>/gi)) {
    const a = attributes(m[0]);
    const xmlUrl = a.xmlurl?.trim();
    if (!xmlUrl || !/^https?:\/\//i.test(xmlUrl) || seen.has(xmlUrl)) continue;
    seen.add(xmlUrl);
    const title = (a.title ?? a.text)?.trim();
    feeds.push({ xmlUrl, ...(title ? { title } : {}), ...(a.htmlurl ? { htmlUrl: a.htmlurl } : {}) });
  }
  return feeds;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** OPML 2.0 for the registry; an outline's text is the feed's title, else its id. */
export function toOpml(feeds: FeedConfig[], opts: { title?: string; now?: Date } = {}): string {
  const lines = feeds.map((f) => {
    const text = escapeXml(f.title ?? f.id);
    return `    <outline type="rss" text="${text}" title="${text}" xmlUrl="${escapeXml(f.url)}"/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${escapeXml(opts.title ?? 'Storyline feeds')}</title>`,
    `    <dateCreated>${(opts.now ?? new Date()).toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
    ...lines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
