/**
 * Term vectors for story merging: pure, fast, language-light (English
 * stopwords and suffixes; other languages still get sensible word tokens).
 */

/** Title words count this many times: headlines name the event. */
const TITLE_WEIGHT = 2;
const MIN_TOKEN_LENGTH = 3;

const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are aren arent as at be because been before being ' +
    'below between both but by can cannot could couldn did didn didnt do does doesn doesnt doing don dont down during ' +
    'each few for from further had hadn has hasn hasnt have haven havent having he her here hers herself him himself ' +
    'his how however i if in into is isn isnt it its itself just let me more most mustn my myself no nor not now of ' +
    'off on once only or other ought our ours ourselves out over own same shan she should shouldn so some such than ' +
    'that the their theirs them themselves then there these they this those through to too under until up upon very ' +
    'was wasn wasnt we were weren what when where which while who whom why will with won wont would wouldn you your ' +
    'yours yourself yourselves said says say told according one two new year years last first many much may might ' +
    'must per via yet within without among around since still even well back get got make made like'
  ).split(' '),
);

/** Words whose trailing "s" is not a plural. */
const KEEP_FINAL_S = /(?:ss|us|is|ics|news|series|species)$/;
/** Plurals that add "es" rather than "s" (buses, launches, taxes). */
const ES_PLURAL = /(?:s|x|z|ch|sh)es$/;
const DOUBLE_CONSONANT = /([b-df-hj-km-npqr-tv-z])\1$/;
/** Doubles that belong to the root ("install", "miss", "buzz"), not to an -ing/-ed form. */
const ROOT_DOUBLES = /(?:ll|ss|zz)$/;
const MIN_STEM_LENGTH = 3;

/**
 * Light suffix stripping so "fire", "fires", "fired", "firing" meet (as "fir").
 * Deliberately weaker than Porter: over-stemming merges unrelated names, which
 * hurts precision more than a missed inflection hurts recall.
 */
export function stem(word: string): string {
  if (word.length <= MIN_STEM_LENGTH || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4 && !KEEP_FINAL_S.test(w)) w = w.slice(0, -3) + 'y';
  else if (ES_PLURAL.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !KEEP_FINAL_S.test(w)) w = w.slice(0, -1);

  const suffix = w.endsWith('ing') ? 3 : w.endsWith('ed') && !w.endsWith('eed') ? 2 : 0;
  if (suffix && w.length - suffix >= MIN_STEM_LENGTH) {
    w = w.slice(0, -suffix);
    if (DOUBLE_CONSONANT.test(w) && !ROOT_DOUBLES.test(w)) w = w.slice(0, -1);
  }
  // A final silent "e" goes everywhere, so "fire" and "fir(ed)" share a stem.
  if (w.endsWith('e') && w.length > MIN_STEM_LENGTH) w = w.slice(0, -1);
  return w;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Stemmed content tokens of a text, in order. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const match of text.toLowerCase().matchAll(TOKEN)) {
    const token = match[0];
    // Short tokens are mostly clitics ("s" of "Nvidia's") and counts; years and model numbers survive.
    if (token.length < MIN_TOKEN_LENGTH || STOPWORDS.has(token)) continue;
    out.push(stem(token));
  }
  return out;
}

export interface TermWeights {
  /** Weight of a title token. */
  title: number;
  /** Extra multiplier for a capitalised token that does not start a sentence (names, places). */
  proper: number;
  /** Extra multiplier for a token with digits (counts, dates, model numbers). */
  numeric: number;
}

/** Boosting names or numbers inside the text vector did not help on dev (docs/merging.md); they act through the signature instead. */
export const DEFAULT_TERM_WEIGHTS: Readonly<TermWeights> = Object.freeze({ title: TITLE_WEIGHT, proper: 1, numeric: 1 });

const CASED_TOKEN = /[\p{L}\p{N}]+|[.!?]["'\u201d\u2019)]*\s/gu;
const UPPER_START = /^\p{Lu}/u;

/**
 * Weighted counts of the stemmed content tokens of a text; sentence-initial
 * capitals are not names. With `signature`, names and numbers are also counted
 * there (weight 1), as signatureVector() would.
 */
function addCounts(
  counts: Map<string, number>,
  text: string,
  base: number,
  w: TermWeights,
  onlySignature = false,
  signature?: Map<string, number>,
): void {
  let sentenceStart = true;
  for (const match of text.matchAll(CASED_TOKEN)) {
    const raw = match[0];
    if (!/[\p{L}\p{N}]/u.test(raw[0])) {
      sentenceStart = true;
      continue;
    }
    const initial = sentenceStart;
    sentenceStart = false;
    const token = raw.toLowerCase();
    if (token.length < MIN_TOKEN_LENGTH || STOPWORDS.has(token)) continue;
    let weight = base;
    const numeric = /\d/.test(token);
    const proper = !numeric && !initial && UPPER_START.test(raw) && raw !== raw.toUpperCase();
    if (onlySignature && !numeric && !proper) continue;
    if (numeric) weight *= w.numeric;
    else if (proper) weight *= w.proper;
    const t = stem(token);
    counts.set(t, (counts.get(t) ?? 0) + weight);
    if (signature && (numeric || proper)) signature.set(t, (signature.get(t) ?? 0) + 1);
  }
}

function sublinear(counts: Map<string, number>): Map<string, number> {
  const vector = new Map<string, number>();
  for (const [term, tf] of counts) vector.set(term, 1 + Math.log(Math.max(tf, 1)));
  return vector;
}

/** Sublinear term frequencies (1 + ln tf) of title (weighted) and body. */
export function termVector(title: string, text: string, weights: TermWeights = DEFAULT_TERM_WEIGHTS): Map<string, number> {
  const counts = new Map<string, number>();
  addCounts(counts, title, weights.title, { ...weights, proper: 1 });
  addCounts(counts, text, 1, weights);
  return sublinear(counts);
}

/** Event signature: sublinear counts of the body's names (capitalised mid-sentence) and numbers. */
export function signatureVector(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  addCounts(counts, text, 1, { title: 1, proper: 1, numeric: 1 }, true);
  return sublinear(counts);
}

/** termVector(title, text) and signatureVector(text), the same maps, in one pass over the body. */
export function articleVectors(title: string, text: string): { terms: Map<string, number>; signature: Map<string, number> } {
  const counts = new Map<string, number>();
  const signature = new Map<string, number>();
  addCounts(counts, title, DEFAULT_TERM_WEIGHTS.title, { ...DEFAULT_TERM_WEIGHTS, proper: 1 });
  addCounts(counts, text, 1, DEFAULT_TERM_WEIGHTS, false, signature);
  return { terms: sublinear(counts), signature: sublinear(signature) };
}
