/**
 * Bytes → text for feeds and HTML pages.
 *
 * Order of evidence (first match wins): byte-order mark, the charset parameter
 * of the HTTP Content-Type, the XML declaration's `encoding`, an HTML
 * `<meta charset>` in the first 1024 bytes, else UTF-8. Two corrections on top,
 * because publishers mislabel often (Miniflux does the same):
 *  - a document labelled with a legacy charset whose bytes are valid, non-ASCII
 *    UTF-8 is UTF-8 (real legacy text almost never forms valid UTF-8);
 *  - a document labelled (or defaulted to) UTF-8 with more malformed bytes
 *    than well-formed multi-byte sequences is windows-1252.
 * Labels follow the WHATWG Encoding Standard where it matters: ISO-8859-1,
 * US-ASCII and friends decode as windows-1252, so 0x80–0x9F become € “ ” …
 * instead of invisible C1 control characters.
 */
import iconv from 'iconv-lite';

export type CharsetSource = 'bom' | 'content-type' | 'xml-declaration' | 'html-meta' | 'default' | 'utf8-validated' | 'legacy-fallback';

export interface DetectedCharset {
  /** A name iconv-lite accepts, e.g. "utf-8", "windows-1252", "shift_jis". */
  charset: string;
  source: CharsetSource;
  /** Bytes to skip before decoding (the BOM). */
  bomLength: number;
}

const UTF8 = 'utf-8';
const WINDOWS_1252 = 'windows-1252';

/** WHATWG label aliases that differ from what iconv-lite would do with the same label. */
const LABEL_ALIASES: Record<string, string> = {
  // UTF-8
  utf8: UTF8,
  'unicode-1-1-utf-8': UTF8,
  'x-unicode20utf8': UTF8,
  // Latin-1 family: browsers decode these as windows-1252, and so do publishers' CMSes.
  'iso-8859-1': WINDOWS_1252,
  'iso8859-1': WINDOWS_1252,
  iso88591: WINDOWS_1252,
  'iso_8859-1': WINDOWS_1252,
  'iso_8859-1:1987': WINDOWS_1252,
  latin1: WINDOWS_1252,
  l1: WINDOWS_1252,
  cp819: WINDOWS_1252,
  ibm819: WINDOWS_1252,
  'iso-ir-100': WINDOWS_1252,
  csisolatin1: WINDOWS_1252,
  'us-ascii': WINDOWS_1252,
  ascii: WINDOWS_1252,
  'ansi_x3.4-1968': WINDOWS_1252,
  cp1252: WINDOWS_1252,
  'x-cp1252': WINDOWS_1252,
  // Other WHATWG supersets.
  'iso-8859-9': 'windows-1254',
  'iso8859-9': 'windows-1254',
  latin5: 'windows-1254',
  l5: 'windows-1254',
  'iso-8859-11': 'windows-874',
  'tis-620': 'windows-874',
  gb2312: 'gbk',
  gb_2312: 'gbk',
  'gb_2312-80': 'gbk',
  csgb2312: 'gbk',
  chinese: 'gbk',
  'x-gbk': 'gbk',
  'ks_c_5601-1987': 'cp949',
  'euc-kr': 'cp949',
  cseuckr: 'cp949',
  korean: 'cp949',
  'windows-949': 'cp949',
  'x-sjis': 'shift_jis',
  ms_kanji: 'shift_jis',
  'windows-31j': 'shift_jis',
  csshiftjis: 'shift_jis',
  'x-cp1251': 'windows-1251',
  // UTF-16 without an endianness means little-endian in practice.
  'utf-16': 'utf-16le',
  utf16: 'utf-16le',
  unicode: 'utf-16le',
  'ucs-2': 'utf-16le',
  csunicode: 'utf-16le',
  'iso-10646-ucs-2': 'utf-16le',
};

/** Never honoured: UTF-7 is a known XSS vector and browsers refuse it too. */
const REFUSED_LABELS = new Set(['utf-7', 'utf7', 'csunicode11utf7', 'unicode-1-1-utf-7']);

/**
 * Map a charset label to a name iconv-lite can decode, or undefined when the
 * label is unknown or refused (callers then fall back to UTF-8).
 */
export function normalizeCharsetLabel(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const cleaned = label
    .trim()
    .replace(/^["']+|["']+$/g, '')
    .trim()
    .toLowerCase();
  if (!cleaned || REFUSED_LABELS.has(cleaned)) return undefined;
  const aliased = LABEL_ALIASES[cleaned] ?? cleaned;
  return iconv.encodingExists(aliased) ? aliased : undefined;
}

/** The raw `charset` parameter of a Content-Type header, if any. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^;\s]*))/i.exec(contentType);
  const value = match ? (match[1] ?? match[2] ?? match[3]) : undefined;
  return value ? value.trim() : undefined;
}

function isUtf16(charset: string): boolean {
  return charset === 'utf-16le' || charset === 'utf-16be';
}

function detectBom(bytes: Uint8Array): DetectedCharset | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { charset: UTF8, source: 'bom', bomLength: 3 };
  }
  // UTF-32 before UTF-16: the UTF-32LE BOM starts with the UTF-16LE one.
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xfe && bytes[2] === 0 && bytes[3] === 0) {
    return { charset: 'utf-32le', source: 'bom', bomLength: 4 };
  }
  if (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) {
    return { charset: 'utf-32be', source: 'bom', bomLength: 4 };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { charset: 'utf-16le', source: 'bom', bomLength: 2 };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { charset: 'utf-16be', source: 'bom', bomLength: 2 };
  }
  return undefined;
}

/**
 * UTF-16 without a BOM (XML 1.0 Appendix F): "<" or whitespace as one
 * 16-bit unit with a zero byte is unmistakable.
 */
function detectBomlessUtf16(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4) return undefined;
  const isAsciiStart = (b: number | undefined) => b === 0x3c || b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
  if (isAsciiStart(bytes[0]) && bytes[1] === 0 && bytes[2] !== 0 && bytes[3] === 0) return 'utf-16le';
  if (bytes[0] === 0 && isAsciiStart(bytes[1]) && bytes[2] === 0 && bytes[3] !== 0) return 'utf-16be';
  return undefined;
}

/** The start of the document as Latin-1, enough to read declarations in ASCII. */
function asciiHead(bytes: Uint8Array, length = 1024): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, length)).toString('latin1');
}

function charsetFromXmlDeclaration(head: string): string | undefined {
  const match = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z0-9._:()-]+)\s*["']/.exec(head);
  return match?.[1];
}

function charsetFromHtmlMeta(head: string): string | undefined {
  // Only for documents that look like HTML: a feed's CDATA may quote a <meta>.
  if (!/<(?:!doctype\s+html|html|head)\b/i.test(head)) return undefined;
  const match = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:()-]+)/i.exec(head);
  return match?.[1];
}

interface Utf8Census {
  /** Bytes >= 0x80 at all. */
  hasNonAscii: boolean;
  /** Well-formed multi-byte sequences. */
  validSequences: number;
  /** Bytes that cannot be part of well-formed UTF-8. */
  invalidBytes: number;
}

/** Count well-formed and malformed UTF-8 sequences (RFC 3629 ranges, no overlongs or surrogates). */
function utf8Census(bytes: Uint8Array): Utf8Census {
  let validSequences = 0;
  let invalidBytes = 0;
  let hasNonAscii = false;
  let i = 0;
  const n = bytes.length;
  const inRange = (index: number, low: number, high: number) =>
    index < n && (bytes[index] as number) >= low && (bytes[index] as number) <= high;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    hasNonAscii = true;
    let length = 0;
    if (b >= 0xc2 && b <= 0xdf) length = inRange(i + 1, 0x80, 0xbf) ? 2 : 0;
    else if (b === 0xe0) length = inRange(i + 1, 0xa0, 0xbf) && inRange(i + 2, 0x80, 0xbf) ? 3 : 0;
    else if ((b >= 0xe1 && b <= 0xec) || b === 0xee || b === 0xef)
      length = inRange(i + 1, 0x80, 0xbf) && inRange(i + 2, 0x80, 0xbf) ? 3 : 0;
    else if (b === 0xed) length = inRange(i + 1, 0x80, 0x9f) && inRange(i + 2, 0x80, 0xbf) ? 3 : 0;
    else if (b === 0xf0) length = inRange(i + 1, 0x90, 0xbf) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf) ? 4 : 0;
    else if (b >= 0xf1 && b <= 0xf3)
      length = inRange(i + 1, 0x80, 0xbf) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf) ? 4 : 0;
    else if (b === 0xf4) length = inRange(i + 1, 0x80, 0x8f) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf) ? 4 : 0;
    if (length === 0) {
      invalidBytes += 1;
      i += 1;
    } else {
      validSequences += 1;
      i += length;
    }
  }
  return { hasNonAscii, validSequences, invalidBytes };
}

/** Decide which charset to decode `bytes` with, and why. */
export function detectCharset(bytes: Uint8Array, contentType?: string): DetectedCharset {
  const bom = detectBom(bytes);
  if (bom) return bom;

  const bomlessUtf16 = detectBomlessUtf16(bytes);
  const fromHeader = normalizeCharsetLabel(charsetFromContentType(contentType));
  if (fromHeader && (isUtf16(fromHeader) || !bomlessUtf16)) {
    return validated({ charset: fromHeader, source: 'content-type', bomLength: 0 }, bytes);
  }
  if (bomlessUtf16) return { charset: bomlessUtf16, source: 'bom', bomLength: 0 };

  const head = asciiHead(bytes);
  // A declaration we could read as ASCII cannot truthfully say UTF-16.
  const fromXml = normalizeCharsetLabel(charsetFromXmlDeclaration(head));
  if (fromXml && !isUtf16(fromXml)) {
    return validated({ charset: fromXml, source: 'xml-declaration', bomLength: 0 }, bytes);
  }
  const fromMeta = normalizeCharsetLabel(charsetFromHtmlMeta(head));
  if (fromMeta && !isUtf16(fromMeta)) {
    return validated({ charset: fromMeta, source: 'html-meta', bomLength: 0 }, bytes);
  }
  return validated({ charset: UTF8, source: 'default', bomLength: 0 }, bytes);
}

/** Apply the two mislabelling corrections described at the top of this file. */
function validated(choice: DetectedCharset, bytes: Uint8Array): DetectedCharset {
  if (isUtf16(choice.charset)) return choice;
  const census = utf8Census(bytes);
  if (!census.hasNonAscii) return choice;
  if (choice.charset !== UTF8) {
    if (census.invalidBytes === 0) return { charset: UTF8, source: 'utf8-validated', bomLength: 0 };
    return choice;
  }
  // A few accidental sequences ("é »" is E9 A0 BB) do not make Latin-1 text UTF-8.
  if (census.invalidBytes > census.validSequences) {
    return { charset: WINDOWS_1252, source: 'legacy-fallback', bomLength: 0 };
  }
  return choice;
}

// C0 controls other than TAB, LF and CR are illegal in XML 1.0 and noise in HTML text.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ILLEGAL_CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

/** Remove a leading BOM and the C0 control characters XML forbids. */
export function sanitizeDecodedText(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.replace(ILLEGAL_CONTROL_CHARS, '');
}

/**
 * Decode a fetched body to text (see the top of this file for how the charset
 * is chosen). Strings pass through and are only sanitised.
 */
export function decodeBody(bytes: Buffer | Uint8Array | string, contentType?: string): string {
  if (typeof bytes === 'string') return sanitizeDecodedText(bytes);
  const { charset, bomLength } = detectCharset(bytes, contentType);
  const payload = bomLength > 0 ? bytes.subarray(bomLength) : bytes;
  return sanitizeDecodedText(iconv.decode(payload, charset, { stripBOM: true }));
}
