/**
 * Page text as the extractor takes it. The fetch stage decodes bytes already
 * (src/feeds/charset.ts: BOM, Content-Type, <meta charset> in the first 1024
 * bytes, then UTF-8 validation); a Buffer given to extractArticle goes through
 * the same decoder. A string is trusted as decoded, except for the one mistake
 * that survives decoding: UTF-8 bytes read as windows-1252 ("cafÃ©", "itâ€™s").
 */

import { decodeBody } from '../feeds/charset';

export function toText(input: string | Uint8Array, contentType?: string): string {
  return typeof input === 'string' ? input : decodeBody(Buffer.from(input.buffer, input.byteOffset, input.byteLength), contentType);
}

/** Lead bytes of UTF-8 sequences (Ã, Â, â, ð …) followed by a continuation byte, as windows-1252 shows them. */
const MOJIBAKE =
  /[\u00c2-\u00f4][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]/g;
const MIN_MOJIBAKE = 3;
const SAMPLE_CHARS = 256 * 1024;
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Undoes UTF-8-read-as-windows-1252 when it is unambiguous: several tell-tale
 * pairs, every character representable in windows-1252, and the bytes forming
 * valid UTF-8. Anything else is returned unchanged.
 */
export function repairMojibake(text: string): string {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  const hits = sample.match(MOJIBAKE)?.length ?? 0;
  if (hits < MIN_MOJIBAKE) return text;
  const bytes = toWindows1252(text);
  // A character windows-1252 cannot encode: the text was not pure mojibake.
  if (!bytes) return text;
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return text;
  }
}

/** 0x80–0x9F of windows-1252; the five holes (0x81, 0x8D …) decode to the C1 code point itself, as WHATWG does. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const CP1252_BYTE = new Map(Array.from(CP1252_HIGH, (ch, i) => [ch.charCodeAt(0), 0x80 + i]));

function toWindows1252(text: string): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Latin-1 decoders leave 0x80–0x9F as C1 code points: those map to their byte too.
    const byte = code <= 0xff ? code : CP1252_BYTE.get(code);
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}
