/**
 * Tokeniser shared by the gazetteer (aliases) and the tagger (documents), so
 * both sides normalise text the same way.
 *
 * A token is a run of Unicode letters, digits and marks, optionally with
 * internal apostrophes ("O'Brien"). Han and kana characters become one token
 * each: CJK text has no spaces, so an alias such as 腾讯 is matched as a
 * sequence of single-character tokens.
 */

export interface Token {
  /** Offset of the first character. */
  start: number;
  /** Offset after the last character, excluding a possessive 's. */
  end: number;
  /** Surface form, text.slice(start, end). */
  surface: string;
  /** Case-folded surface with curly apostrophes straightened. */
  norm: string;
  /** The token carried a possessive 's that was stripped ("Nvidia's"). */
  possessive: boolean;
  cjk: boolean;
  /** First token of the text, a line or a sentence; capitalisation there says nothing. */
  sentenceStart: boolean;
  /** The gap before this token can sit inside a name ("Tencent Cloud", "U.S.", "Nvidia-backed"). */
  joinsPrevious: boolean;
}

const WORD_RE = /[\p{L}\p{N}\p{M}]+(?:['’][\p{L}\p{N}\p{M}]+)*/gu;
const CJK_CHAR_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const POSSESSIVE_RE = /['’][sS]$/;
/** Whitespace, one hyphen, an ampersand or the middle dot of transliterated names (山姆·奥特曼). */
const SOFT_GAP_RE = /^(?:[ \t\u00a0]+|[ \t\u00a0]*&[ \t\u00a0]*|[-‐‑·・])$/;
const SENTENCE_END_RE = /[.!?…:]/;
const OPENING_QUOTE_RE = /["“‘«]/;
/** A period after these does not end a sentence. */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'st',
  'jr',
  'sr',
  'inc',
  'corp',
  'co',
  'ltd',
  'no',
  'vs',
  'gov',
  'sen',
  'rep',
  'gen',
]);

interface RawToken {
  start: number;
  /** End including any possessive suffix; gaps are measured from here. */
  fullEnd: number;
  text: string;
  cjk: boolean;
}

export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/’/g, "'");
}

/** Splits text into tokens with offsets, case-folded forms and boundary facts. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let previous: RawToken | undefined;
  for (const raw of rawTokens(text)) {
    const gap = previous ? text.slice(previous.fullEnd, raw.start) : '';
    const possessive = !raw.cjk && POSSESSIVE_RE.test(raw.text) && raw.text.length > 2;
    const surface = possessive ? raw.text.slice(0, -2) : raw.text;
    tokens.push({
      start: raw.start,
      end: raw.start + surface.length,
      surface,
      norm: normalizeWord(surface),
      possessive,
      cjk: raw.cjk,
      sentenceStart: previous === undefined || startsSentence(gap, tokens[tokens.length - 1]),
      joinsPrevious: previous !== undefined && isSoftGap(gap, tokens[tokens.length - 1]),
    });
    previous = raw;
  }
  return tokens;
}

/** Lowercase word tokens without punctuation, possessives stripped; for similarity measures. */
export function wordTokens(text: string): string[] {
  const words: string[] = [];
  for (const raw of rawTokens(text)) {
    const word = !raw.cjk && POSSESSIVE_RE.test(raw.text) && raw.text.length > 2 ? raw.text.slice(0, -2) : raw.text;
    words.push(normalizeWord(word));
  }
  return words;
}

function* rawTokens(text: string): Generator<RawToken> {
  for (const match of text.matchAll(WORD_RE)) {
    const word = match[0];
    const start = match.index;
    if (!mayContainCjk(word)) {
      yield { start, fullEnd: start + word.length, text: word, cjk: false };
      continue;
    }
    yield* splitCjk(word, start);
  }
}

/** Every Han and kana code point sits at or above U+2E80, so plain Latin words skip the regex. */
function mayContainCjk(word: string): boolean {
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) >= 0x2e80) return true;
  return false;
}

function* splitCjk(word: string, offset: number): Generator<RawToken> {
  let runStart = -1;
  let i = 0;
  for (const char of word) {
    if (CJK_CHAR_RE.test(char)) {
      if (runStart >= 0) yield latinRun(word, offset, runStart, i);
      runStart = -1;
      yield { start: offset + i, fullEnd: offset + i + char.length, text: char, cjk: true };
    } else if (runStart < 0) {
      runStart = i;
    }
    i += char.length;
  }
  if (runStart >= 0) yield latinRun(word, offset, runStart, i);
}

function latinRun(word: string, offset: number, from: number, to: number): RawToken {
  return { start: offset + from, fullEnd: offset + to, text: word.slice(from, to), cjk: false };
}

function isSoftGap(gap: string, previous: Token): boolean {
  if (gap === '' || SOFT_GAP_RE.test(gap)) return true;
  // "Amazon.com", "x.AI", and initials such as "U.S. Commerce" or "C. C. Wei".
  if (gap === '.') return true;
  return /^\.[ \t\u00a0]+$/.test(gap) && isInitial(previous);
}

function startsSentence(gap: string, previous: Token): boolean {
  if (gap.includes('\n')) return true;
  if (OPENING_QUOTE_RE.test(gap)) return true;
  // "12:30", "U.S", "Amazon.com": punctuation not followed by a space ends nothing.
  if (!SENTENCE_END_RE.test(gap) || !/\s/.test(gap)) return false;
  const onlyAbbreviationPeriod = /^\.\s+$/.test(gap) && (isInitial(previous) || ABBREVIATIONS.has(previous.norm));
  return !onlyAbbreviationPeriod;
}

function isInitial(token: Token): boolean {
  return !token.cjk && token.surface.length === 1 && token.surface !== token.surface.toLowerCase();
}
