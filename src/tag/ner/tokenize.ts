/**
 * Tokeniser for the statistical recogniser. It follows the CoNLL-2003 /
 * Penn Treebank conventions the model was trained on: punctuation is split
 * off words, abbreviations keep their period ("U.S.", "Inc."), the
 * possessive 's and n't are tokens of their own, hyphenated words stay whole
 * ("Anglo-Dutch"). On CoNLL text (tokens joined by spaces) it reproduces the
 * original tokens.
 *
 * This is a different tokenisation from ../tokenize.ts (which serves alias
 * matching); the tagger maps recognised spans back by character offsets.
 */

export interface NerToken {
  start: number;
  end: number;
  text: string;
  /** First token of the text, of a line, or after a sentence-final . ! ? */
  sentenceStart: boolean;
}

const LEADING = new Set(['"', '“', '‘', '«', '(', '[', '{', '<', '`']);
const TRAILING = new Set(['"', '”', '’', '»', ')', ']', '}', '>', ',', ';', ':', '!', '?', "'"]);
const SENTENCE_END = new Set(['.', '!', '?', '...', '…']);
const WORDISH_RE = /[\p{L}\p{N}]/u;
const INITIALS_RE = /^(?:\p{L}\.)+$/u;
/** Words that keep a trailing period. */
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof st jr sr inc corp co ltd plc bhd cos bros no nos vs gen gov sen rep lt col capt sgt maj adm ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec mt ft ave blvd dept est fig approx vol pp etc al rev ' +
    'calif fla ariz colo conn mich minn nev okla tenn wis ' +
    'u.s u.k u.n e.u a.m p.m a.d b.c i.e e.g'
  ).split(' '),
);

/**
 * Typographic quotes, apostrophes and hyphens as the ASCII the model was trained on (CoNLL-2003 is ASCII):
 * "It’s like you’re pouring" read as one name until the curly apostrophes became straight ones. Every
 * replacement is one UTF-16 unit for one, so offsets into the result are offsets into the original.
 * Spaced en and em dashes stay (as " - " they read like CoNLL's sports results, where names are teams);
 * an unspaced one between words becomes a space, so "ISIS—killed" is two words.
 */
export function asciiPunctuation(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/[\u2010\u2011\u2212]/g, '-')
    .replace(/(?<=[\p{L}\p{N}])[\u2013\u2014\u2015](?=[\p{L}\p{N}])/gu, ' ')
    .replace(/\u00A0/g, ' ');
}

/** Splits text into CoNLL-style tokens with character offsets. */
export function nerTokenize(text: string): NerToken[] {
  const tokens: NerToken[] = [];
  const chunkRe = /\S+/g;
  let lastEnd = 0;
  let pendingBreak = true;
  const chunks: Array<{ start: number; text: string; newline: boolean }> = [];
  for (let m = chunkRe.exec(text); m; m = chunkRe.exec(text)) {
    const gap = text.slice(lastEnd, m.index);
    chunks.push({ start: m.index, text: m[0], newline: gap.includes('\n') });
    lastEnd = m.index + m[0].length;
  }
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c];
    const next = chunks[c + 1]?.text;
    if (chunk.newline) pendingBreak = true;
    for (const [start, end] of splitChunk(chunk.text, next, pendingBreak)) {
      const surface = chunk.text.slice(start, end);
      const previous = tokens[tokens.length - 1];
      const sentenceStart = pendingBreak || (previous !== undefined && SENTENCE_END.has(previous.text));
      tokens.push({ start: chunk.start + start, end: chunk.start + end, text: surface, sentenceStart });
      pendingBreak = false;
    }
  }
  return tokens;
}

/** Offsets [start, end) of the tokens inside one whitespace-delimited chunk. */
function splitChunk(chunk: string, nextChunk: string | undefined, lineStart: boolean): Array<[number, number]> {
  if (!WORDISH_RE.test(chunk)) return [[0, chunk.length]];
  let start = 0;
  let end = chunk.length;
  const head: Array<[number, number]> = [];
  const tail: Array<[number, number]> = [];
  while (start < end - 1 && LEADING.has(chunk[start])) {
    head.push([start, start + 1]);
    start++;
  }
  for (;;) {
    if (end - start <= 1) break;
    const last = chunk[end - 1];
    if (chunk.endsWith('...', end) && end - start > 3) {
      tail.unshift([end - 3, end]);
      end -= 3;
      continue;
    }
    if (TRAILING.has(last)) {
      tail.unshift([end - 1, end]);
      end--;
      continue;
    }
    if (last === '.' && !keepsPeriod(chunk.slice(start, end), tail.length === 0 ? nextChunk : undefined, lineStart)) {
      tail.unshift([end - 1, end]);
      end--;
      continue;
    }
    break;
  }
  const core = chunk.slice(start, end);
  const middle: Array<[number, number]> = [];
  const lower = core.toLowerCase();
  if (core.length > 2 && /['’]s$/.test(lower) && WORDISH_RE.test(core.slice(0, -2))) {
    middle.push([start, end - 2], [end - 2, end]);
  } else if (core.length > 3 && /n['’]t$/.test(lower)) {
    middle.push([start, end - 3], [end - 3, end]);
  } else if (end > start) {
    middle.push([start, end]);
  }
  return [...head, ...middle, ...tail];
}

/** "U.S.", "Inc.", "J.", a list number at a line start keep their period; so does any word followed by more punctuation (CoNLL "Bhd. ."). */
function keepsPeriod(word: string, nextChunk: string | undefined, lineStart: boolean): boolean {
  if (INITIALS_RE.test(word)) return true;
  // A numbered list item: "1. Steffi Graf".
  if (lineStart && /^\d{1,3}\.$/.test(word)) return true;
  const bare = word.slice(0, -1).toLowerCase();
  if (ABBREVIATIONS.has(bare)) return true;
  if (bare.includes('.') && /^[\p{L}.]+$/u.test(bare)) return true;
  return nextChunk !== undefined && /^[.,;:]/.test(nextChunk);
}
