/**
 * One URL per article: the canonical form decides the article id, so the same
 * story reached through a newsletter link, a social share and the feed maps to
 * one record.
 */
import { createHash } from 'node:crypto';

/** Query parameters that only track the visitor; they never select content. */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  'igshid',
  'igsh',
  'yclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'srsltid',
  '_hsenc',
  '_hsmi',
  '__hstc',
  '__hssc',
  '__hsfp',
  'hsctatracking',
  'mkt_tok',
  'oly_anon_id',
  'oly_enc_id',
  'vero_id',
  'vero_conv',
  'wickedid',
  'ref_src',
  'ref_url',
  '_ga',
  '_gl',
  's_kwcid',
  'ncid',
  'cmpid',
  'sr_share',
]);

/** Whole families: utm_source, utm_medium, … and Piwik/Matomo campaign tags. */
const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_'];

function isTrackingParam(rawName: string): boolean {
  let name: string;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    name = rawName.toLowerCase();
  }
  return TRACKING_PARAMS.has(name) || TRACKING_PREFIXES.some((prefix) => name.startsWith(prefix));
}

function paramName(pair: string): string {
  const eq = pair.indexOf('=');
  return eq === -1 ? pair : pair.slice(0, eq);
}

/**
 * Canonical form of an http(s) URL, resolved against `base` when relative:
 * lowercase scheme and host (WHATWG URL does that, plus IDN → punycode and
 * default-port removal), no fragment, no credentials, no tracking parameters,
 * remaining parameters sorted by name. The path is kept as written: servers
 * may treat `/a` and `/a/` or letter case differently.
 *
 * Parameters are sorted as raw `name=value` pairs so their percent-encoding
 * is preserved byte for byte (URLSearchParams would re-encode them). Sorting
 * is stable, so repeated names keep their relative order.
 */
export function canonicalizeUrl(url: string, base?: string): string {
  let parsed: URL;
  try {
    parsed = base === undefined ? new URL(url.trim()) : new URL(url.trim(), base);
  } catch {
    throw new Error(`canonicalizeUrl: not a valid URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`canonicalizeUrl: only http(s) URLs are supported, got ${parsed.protocol} in ${JSON.stringify(url)}`);
  }
  if (!parsed.hostname) {
    throw new Error(`canonicalizeUrl: URL has no host: ${JSON.stringify(url)}`);
  }

  parsed.hash = '';
  parsed.username = '';
  parsed.password = '';
  // "example.com." and "example.com" are the same host.
  if (parsed.hostname.endsWith('.')) parsed.hostname = parsed.hostname.replace(/\.+$/, '');

  const keptPairs = parsed.search
    .replace(/^\?/, '')
    .split('&')
    .filter((pair) => pair !== '' && !isTrackingParam(paramName(pair)));
  const sortedPairs = keptPairs
    .map((pair, index) => ({ pair, name: paramName(pair), index }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.index - b.index))
    .map((entry) => entry.pair);
  // Assigning '' also removes a bare trailing '?'.
  parsed.search = sortedPairs.length > 0 ? `?${sortedPairs.join('&')}` : '';

  return parsed.href;
}

/**
 * Stable article id for a canonical URL: "a" + 20 hex chars of SHA-256.
 * The letter prefix keeps it from ever looking like an integer, which BullMQ
 * rejects as a custom job id. 80 bits make a collision negligible at news scale.
 */
export function articleIdFor(canonicalUrl: string): string {
  return `a${createHash('sha256').update(canonicalUrl, 'utf8').digest('hex').slice(0, 20)}`;
}
