/**
 * Features of the statistical recogniser, shared by training
 * (src/tag/train/train-ner.ts) and inference (./model.ts) so both sides see
 * exactly the same thing.
 *
 * Every feature is a string hashed (FNV-1a) into a fixed table of buckets;
 * each bucket holds one weight per label. Labels are BILOU over PER, ORG,
 * LOC and MISC. The model sees raw text only: no part-of-speech or chunk
 * columns.
 *
 * Feature groups, per token:
 *  - the word, its lowercase form, prefixes and suffixes up to 4 characters;
 *  - word shape (long and collapsed), case class, sentence position, and
 *    whether the sentence is all capitals (a headline);
 *  - a window of two words and shapes either side, and word/shape bigrams;
 *  - gazetteer: the token's position (B/I/L/U) in any name of the gazetteer
 *    (names seen in the training data plus config/entities), per type;
 *  - document: whether the same word appears elsewhere in the document
 *    capitalised mid-sentence and/or in lower case (tells "BRUSSELS" and
 *    sentence-initial "Sales" apart);
 *  - history: the previous two predicted labels, alone and with the word
 *    and shape.
 */
import type { NerToken } from './tokenize';

export const ENTITY_TYPES = ['PER', 'ORG', 'LOC', 'MISC'] as const;
export type NerType = (typeof ENTITY_TYPES)[number];

/** Label 0 is O; then B, I, L, U for each type in ENTITY_TYPES order. */
export const LABELS: readonly string[] = ['O', ...ENTITY_TYPES.flatMap((t) => ['B', 'I', 'L', 'U'].map((p) => `${p}-${t}`))];
export const N_LABELS = LABELS.length;
const START_LABEL = N_LABELS; // history placeholder before a sentence

/** Bit per entity type in gazetteer values. */
export const TYPE_BITS: Readonly<Record<NerType, number>> = { PER: 1, ORG: 2, LOC: 4, MISC: 8 };
export const MAX_GAZ_TOKENS = 6;

/** Normalised gazetteer key: lowercase token texts joined by one space. */
export type NameGazetteer = Map<string, number>;

export function labelPrefix(label: number): string {
  return label === 0 ? 'O' : 'BILU'[(label - 1) % 4];
}

export function labelType(label: number): NerType | undefined {
  return label === 0 ? undefined : ENTITY_TYPES[Math.floor((label - 1) / 4)];
}

export function labelOf(prefix: 'B' | 'I' | 'L' | 'U', type: NerType): number {
  return 1 + ENTITY_TYPES.indexOf(type) * 4 + 'BILU'.indexOf(prefix);
}

/** BILOU transition constraint: may `next` follow `previous` (START_LABEL at a sentence start)? */
export function allowed(previous: number, next: number): boolean {
  const open = previous !== START_LABEL && previous !== 0 && (labelPrefix(previous) === 'B' || labelPrefix(previous) === 'I');
  const nextPrefix = labelPrefix(next);
  if (open) return (nextPrefix === 'I' || nextPrefix === 'L') && labelType(next) === labelType(previous);
  return nextPrefix === 'O' || nextPrefix === 'B' || nextPrefix === 'U';
}

/** A label that may not end a sentence (an open B or I). */
export function isOpen(label: number): boolean {
  const prefix = labelPrefix(label);
  return prefix === 'B' || prefix === 'I';
}

export { START_LABEL };

/** 32-bit FNV-1a of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Combines a feature hash with a label id, for history features. */
export function mix(hash: number, value: number): number {
  let h = hash ^ Math.imul(value + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

const UPPER_RE = /\p{Lu}/u;
const LOWER_RE = /\p{Ll}/u;
const LETTER_RE = /\p{L}/u;
const DIGIT_RE = /\p{N}/u;

function shapeOf(word: string): string {
  let shape = '';
  for (let i = 0; i < word.length && shape.length < 8; i++) {
    const code = word.charCodeAt(i);
    if (code >= 0x80) return unicodeShape(word);
    if (code >= 65 && code <= 90) shape += 'X';
    else if (code >= 97 && code <= 122) shape += 'x';
    else if (code >= 48 && code <= 57) shape += 'd';
    else shape += word[i];
  }
  return shape;
}

function unicodeShape(word: string): string {
  let shape = '';
  for (const char of word) {
    if (UPPER_RE.test(char)) shape += 'X';
    else if (LOWER_RE.test(char)) shape += 'x';
    else if (DIGIT_RE.test(char)) shape += 'd';
    else shape += char;
    if (shape.length >= 8) break;
  }
  return shape;
}

function shortShape(shape: string): string {
  let out = '';
  for (const char of shape) if (out[out.length - 1] !== char) out += char;
  return out;
}

const CASE_IDS = ['lower', 'title', 'caps', 'init', 'mixed', 'digit', 'alnum', 'punct'];
const BOS = hashString('<s');
const EOS = hashString('</s');
/** Seeds of the feature templates (an object literal, so property reads stay fast). */
const F = {
  bias: hashString('#bias'),
  w: hashString('#w'),
  l: hashString('#l'),
  s: hashString('#s'),
  ss: hashString('#ss'),
  c: hashString('#c'),
  lm1: hashString('#lm1'),
  lp1: hashString('#lp1'),
  lm2: hashString('#lm2'),
  lp2: hashString('#lp2'),
  lm1l: hashString('#lm1l'),
  llp1: hashString('#llp1'),
  lm1lp1: hashString('#lm1lp1'),
  sm1: hashString('#sm1'),
  sp1: hashString('#sp1'),
  sm1s: hashString('#sm1s'),
  ssp1: hashString('#ssp1'),
  sm1ssp1: hashString('#sm1ssp1'),
  cm1: hashString('#cm1'),
  cp1: hashString('#cp1'),
  prefix: hashString('#prefix'),
  suffix: hashString('#suffix'),
  sl: hashString('#sl'),
  d: hashString('#d'),
  dl: hashString('#dl'),
  g0: hashString('#g0'),
  hw: hashString('#hw'),
  hs: hashString('#hs'),
};

/** lower, title, caps, mixed, digit, alnum, punct. */
function caseClass(word: string): string {
  const hasLetter = LETTER_RE.test(word);
  if (!hasLetter) return DIGIT_RE.test(word) ? 'digit' : 'punct';
  const upper = UPPER_RE.test(word);
  const lower = LOWER_RE.test(word);
  if (DIGIT_RE.test(word)) return 'alnum';
  if (!upper) return 'lower';
  if (!lower) return word.length > 1 ? 'caps' : 'init';
  if (UPPER_RE.test(word[0]) && !UPPER_RE.test(word.slice(1))) return 'title';
  return 'mixed';
}

/** Per-document facts computed once, then read per token. */
export interface DocFeatures {
  tokens: readonly NerToken[];
  /** Hashes of the static features of each token, flattened. */
  hashes: Uint32Array;
  /** offsets[i]..offsets[i+1] index token i's hashes. */
  offsets: Uint32Array;
  /** Hash seeds for history features: word and shape of each token. */
  wordSeed: Uint32Array;
  shapeSeed: Uint32Array;
  /** Per token, an id shared by every token with the same lowercase form that is not all lowercase; -1 otherwise. */
  wordIds: Int32Array;
  /** Number of distinct word ids. */
  words: number;
}

/** Computes the static (history-free) features of every token of a document. */
export function docFeatures(tokens: readonly NerToken[], gazetteer: NameGazetteer): DocFeatures {
  const n = tokens.length;
  const words = tokens.map((t) => t.text);
  const lowers = words.map((w) => w.toLowerCase());
  const shapes = words.map(shapeOf);
  const shorts = shapes.map(shortShape);
  const cases = words.map(caseClass);

  // Sentences whose letters are all capitals (CoNLL headlines, shouted titles).
  const capsSentence = new Uint8Array(n);
  const sentenceFirst = new Uint32Array(n);
  const sentenceLast = new Uint32Array(n);
  for (let s = 0; s < n;) {
    let e = s + 1;
    while (e < n && !tokens[e].sentenceStart) e++;
    sentenceFirst.fill(s, s, e);
    sentenceLast.fill(e - 1, s, e);
    let letters = 0;
    let lowerSeen = false;
    for (let k = s; k < e; k++) {
      if (cases[k] === 'punct' || cases[k] === 'digit') continue;
      letters++;
      if (LOWER_RE.test(words[k])) lowerSeen = true;
    }
    if (letters >= 2 && !lowerSeen) capsSentence.fill(1, s, e);
    s = e;
  }

  // Document evidence for each lowercase form.
  const capMid = new Set<string>();
  const lowerSeen = new Set<string>();
  for (let i = 0; i < n; i++) {
    if (capsSentence[i]) continue;
    if (cases[i] === 'lower') lowerSeen.add(lowers[i]);
    else if ((cases[i] === 'title' || cases[i] === 'mixed' || cases[i] === 'caps') && !tokens[i].sentenceStart) capMid.add(lowers[i]);
  }

  const gaz = gazetteerFeatures(lowers, tokens, gazetteer);

  // Ids of name-like word forms, and the words around their other occurrences (context aggregation).
  const wordIds = new Int32Array(n).fill(-1);
  const idOf = new Map<string, number>();
  const occurrences: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (cases[i] === 'lower' || cases[i] === 'punct' || cases[i] === 'digit') continue;
    let id = idOf.get(lowers[i]);
    if (id === undefined) {
      id = idOf.size;
      idOf.set(lowers[i], id);
      occurrences.push([]);
    }
    wordIds[i] = id;
    occurrences[id].push(i);
  }

  // Context aggregation: the words around every occurrence of a repeated name-like word, computed once per word.
  const aggregates = new Map<number, number[]>();
  const aggregated = (id: number): number[] => {
    let list = aggregates.get(id);
    if (list) return list;
    list = [];
    const others = occurrences[id];
    if (others.length > 1) {
      const seen = new Set<string>();
      for (const k of others) {
        if (seen.size >= 16) break;
        const left = `a-1=${k > sentenceFirst[k] ? lowers[k - 1] : '<s'}`;
        const right = `a+1=${k < sentenceLast[k] ? lowers[k + 1] : '</s'}`;
        for (const feature of [left, right]) {
          if (seen.has(feature)) continue;
          seen.add(feature);
          list.push(hashString(feature));
        }
      }
    }
    aggregates.set(id, list);
    return list;
  };

  // Features are hashed without building strings: each value is hashed once
  // per token, and a feature is its template's seed mixed with the values.
  const lowerHash = lowers.map(hashString);
  const wordHash = words.map(hashString);
  const shapeHash = shapes.map(hashString);
  const shortHash = shorts.map(hashString);
  const caseId = cases.map((c) => CASE_IDS.indexOf(c));

  let hashes = new Uint32Array(n * 48 + 64);
  let size = 0;
  const push = (h: number) => {
    if (size === hashes.length) {
      const grown = new Uint32Array(hashes.length * 2);
      grown.set(hashes);
      hashes = grown;
    }
    hashes[size++] = h;
  };
  const offsets = new Uint32Array(n + 1);
  const wordSeed = new Uint32Array(n);
  const shapeSeed = new Uint32Array(n);

  for (let i = 0; i < n; i++) {
    offsets[i] = size;
    const l = lowers[i];
    const lh = lowerHash[i];
    const start = tokens[i].sentenceStart ? 1 : 0;
    const caps = capsSentence[i];
    // Sentence-local window: context never crosses into the previous or next sentence.
    const first = sentenceFirst[i];
    const last = sentenceLast[i];
    const word = (k: number) => (k < first ? BOS : k > last ? EOS : lowerHash[k]);
    const shape = (k: number) => (k < first ? BOS : k > last ? EOS : shortHash[k]);
    const kase = (k: number) => (k < first ? 100 : k > last ? 101 : caseId[k]);
    const position = caseId[i] * 4 + start * 2 + caps;

    push(F.bias);
    push(mix(F.w, wordHash[i]));
    push(mix(F.l, lh));
    push(mix(F.s, shapeHash[i]));
    push(mix(F.ss, shortHash[i]));
    push(mix(F.c, position));
    push(mix(F.lm1, word(i - 1)));
    push(mix(F.lp1, word(i + 1)));
    push(mix(F.lm2, word(i - 2)));
    push(mix(F.lp2, word(i + 2)));
    push(mix(mix(F.lm1l, word(i - 1)), lh));
    push(mix(mix(F.llp1, lh), word(i + 1)));
    push(mix(mix(F.lm1lp1, word(i - 1)), word(i + 1)));
    push(mix(F.sm1, shape(i - 1)));
    push(mix(F.sp1, shape(i + 1)));
    push(mix(mix(F.sm1s, shape(i - 1)), shortHash[i]));
    push(mix(mix(F.ssp1, shortHash[i]), shape(i + 1)));
    push(mix(mix(mix(F.sm1ssp1, shape(i - 1)), shortHash[i]), shape(i + 1)));
    push(mix(mix(F.cm1, kase(i - 1)), position));
    push(mix(mix(F.cp1, position), kase(i + 1)));
    // Prefixes and suffixes up to four characters, hashed incrementally.
    let prefix = F.prefix;
    let suffix = F.suffix;
    for (let k = 0; k < 4 && k < l.length; k++) {
      prefix = mix(prefix, l.charCodeAt(k));
      suffix = mix(suffix, l.charCodeAt(l.length - 1 - k));
      push(prefix);
      push(suffix);
    }
    if (start || caps) push(mix(mix(F.sl, start * 2 + caps), lh));
    if (cases[i] !== 'punct' && cases[i] !== 'digit') {
      const evidence = (capMid.has(l) ? 2 : 0) + (lowerSeen.has(l) ? 1 : 0);
      push(mix(mix(F.d, evidence), position));
      if (caps || start) push(mix(mix(F.dl, evidence), lh));
    }
    for (const g of gaz[i]) {
      const gh = hashString(`g=${g}`);
      push(gh);
      push(mix(gh, caseId[i]));
    }
    if (gaz[i].length === 0) push(F.g0);
    if (wordIds[i] >= 0) for (const h of aggregated(wordIds[i])) push(h);
    wordSeed[i] = mix(F.hw, lh);
    shapeSeed[i] = mix(F.hs, shortHash[i]);
  }
  offsets[n] = size;
  return { tokens, hashes: hashes.subarray(0, size), offsets, wordSeed, shapeSeed, wordIds, words: idOf.size };
}

const HISTORY_1 = hashString('t-1');
const HISTORY_2 = hashString('t-2t-1');

const EPH = hashString('eph');
const EPH_SHARE = hashString('eph%');

/**
 * Extended prediction history: the types this document's earlier
 * occurrences of the same word were labelled with (Ratinov & Roth 2009).
 * counts holds, per word id, how often each type (index 0: O) was assigned.
 */
export class PredictionHistory {
  readonly counts: Uint16Array;
  constructor(private readonly doc: DocFeatures) {
    this.counts = new Uint16Array(Math.max(1, doc.words) * (ENTITY_TYPES.length + 1));
  }

  observe(i: number, label: number): void {
    const id = this.doc.wordIds[i];
    if (id < 0) return;
    const type = label === 0 ? 0 : 1 + Math.floor((label - 1) / 4);
    this.counts[id * (ENTITY_TYPES.length + 1) + type]++;
  }

  /** Writes the history features of token i from offset; returns the new offset. */
  features(i: number, out: Uint32Array, offset: number): number {
    const id = this.doc.wordIds[i];
    if (id < 0) return offset;
    const base = id * (ENTITY_TYPES.length + 1);
    let total = 0;
    let best = -1;
    let bestCount = 0;
    for (let t = 0; t <= ENTITY_TYPES.length; t++) {
      const count = this.counts[base + t];
      total += count;
      if (count > bestCount) {
        bestCount = count;
        best = t;
      }
    }
    if (total === 0) return offset;
    out[offset++] = mix(EPH, best);
    out[offset++] = mix(EPH_SHARE, best * 8 + (bestCount === total ? 2 : bestCount * 2 > total ? 1 : 0));
    return offset;
  }
}

/** History features of token i given the two previous labels. */
export function historyFeatures(
  doc: DocFeatures,
  i: number,
  previous: number,
  previous2: number,
  out: Uint32Array,
  predictions?: PredictionHistory,
): number {
  out[0] = mix(HISTORY_1, previous);
  out[1] = mix(HISTORY_2, previous * 32 + previous2);
  out[2] = mix(doc.wordSeed[i], previous);
  out[3] = mix(doc.shapeSeed[i], previous);
  return predictions ? predictions.features(i, out, 4) : 4;
}

/** Gazetteer positions per token: "PER:B", "LOC:U" ... for every name covering it. */
function gazetteerFeatures(lowers: readonly string[], tokens: readonly NerToken[], gazetteer: NameGazetteer): string[][] {
  const n = lowers.length;
  const prefixes = prefixesOf(gazetteer);
  const out: string[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    if (!LETTER_RE.test(lowers[i]) && !DIGIT_RE.test(lowers[i])) continue;
    let key = '';
    for (let len = 1; len <= MAX_GAZ_TOKENS && i + len <= n; len++) {
      const k = i + len - 1;
      if (len > 1 && tokens[k].sentenceStart) break;
      key = len === 1 ? lowers[k] : `${key} ${lowers[k]}`;
      const bits = gazetteer.get(key);
      if (!bits) {
        if (!prefixes.has(key)) break;
        continue;
      }
      for (const type of ENTITY_TYPES) {
        if (!(bits & TYPE_BITS[type])) continue;
        if (len === 1) out[i].push(`${type}:U`);
        else {
          out[i].push(`${type}:B`);
          for (let m = i + 1; m < k; m++) out[m].push(`${type}:I`);
          out[k].push(`${type}:L`);
        }
      }
    }
  }
  for (let i = 0; i < n; i++) if (out[i].length > 1) out[i] = [...new Set(out[i])];
  return out;
}

const prefixCache = new WeakMap<NameGazetteer, Set<string>>();

/** Every proper token prefix of a gazetteer name, so matching stops as soon as no name can follow. */
function prefixesOf(gazetteer: NameGazetteer): Set<string> {
  let prefixes = prefixCache.get(gazetteer);
  if (prefixes) return prefixes;
  prefixes = new Set();
  for (const key of gazetteer.keys()) {
    for (let at = key.indexOf(' '); at > 0; at = key.indexOf(' ', at + 1)) prefixes.add(key.slice(0, at));
  }
  prefixCache.set(gazetteer, prefixes);
  return prefixes;
}
