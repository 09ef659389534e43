/**
 * The statistical recogniser: an averaged perceptron over hashed features
 * (./features.ts), decoded greedily left to right with BILOU constraints.
 *
 * Model file (src/tag/model/ner-model.json): `{ format, data }` where data is
 * base64 of a gzip of the binary model below. JSON so that the TypeScript
 * build copies it next to the compiled code (dist/src/tag/model/) with no
 * extra build step.
 *
 * Binary layout, little endian:
 *   "SLNER1\n"  magic
 *   u32 header length, then a UTF-8 JSON header:
 *     { bits, labels, scale, buckets, gazetteer: number }
 *   u32[buckets]            bucket ids with any non-zero weight, ascending
 *   i16[buckets * labels]   weights, quantised: value = int * scale
 *   gazetteer: UTF-8 lines "key\tbits"
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  allowed,
  docFeatures,
  historyFeatures,
  isOpen,
  labelPrefix,
  labelType,
  N_LABELS,
  PredictionHistory,
  START_LABEL,
  type DocFeatures,
  type NameGazetteer,
  type NerType,
} from './features';
import { asciiPunctuation, nerTokenize, type NerToken } from './tokenize';

export interface NerModel {
  bits: number;
  /**
   * Row of each hash bucket in `weights`, -1 for buckets without weights.
   * Null while training: then `weights` is dense and the row is the bucket.
   */
  rows: Int32Array | null;
  /** rows x N_LABELS; the loaded model keeps 16-bit integers (the scale does not change the argmax). */
  weights: Float32Array | Int16Array;
  gazetteer: NameGazetteer;
}

export interface NerSpan {
  start: number;
  end: number;
  type: NerType;
  /** Inclusive token range in the recogniser's tokenisation. */
  first: number;
  last: number;
}

export interface ModelFile {
  format: string;
  data: string;
}

const MAGIC = 'SLNER1\n';
export const MODEL_FORMAT = 'storyline-ner/1 (gzip, base64)';

/** Scores every label for token i given the history; writes into scores. */
export function scoreToken(
  model: Pick<NerModel, 'rows' | 'weights'>,
  mask: number,
  doc: DocFeatures,
  i: number,
  previous: number,
  previous2: number,
  scores: Float64Array,
  history: Uint32Array,
  predictions?: PredictionHistory,
): number {
  scores.fill(0);
  const { hashes, offsets } = doc;
  const { rows, weights } = model;
  for (let f = offsets[i]; f < offsets[i + 1]; f++) addBucket(rows, weights, hashes[f] & mask, scores);
  const nHistory = historyFeatures(doc, i, previous, previous2, history, predictions);
  for (let f = 0; f < nHistory; f++) addBucket(rows, weights, history[f] & mask, scores);
  return nHistory;
}

function addBucket(rows: Int32Array | null, weights: Float32Array | Int16Array, bucket: number, scores: Float64Array): void {
  const row = rows ? rows[bucket] : bucket;
  if (row < 0) return;
  const base = row * N_LABELS;
  for (let c = 0; c < N_LABELS; c++) scores[c] += weights[base + c];
}

/** Best label allowed after `previous`; a label that opens a name may not end a sentence. */
export function bestLabel(scores: Float64Array, previous: number, sentenceEnds: boolean): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < N_LABELS; c++) {
    if (!allowed(previous, c) || (sentenceEnds && isOpen(c))) continue;
    if (scores[c] > bestScore) {
      bestScore = scores[c];
      best = c;
    }
  }
  return best;
}

/** Greedy left-to-right decoding. */
export function decode(model: NerModel, doc: DocFeatures): Uint8Array {
  const n = doc.tokens.length;
  const labels = new Uint8Array(n);
  const mask = (1 << model.bits) - 1;
  const scores = new Float64Array(N_LABELS);
  const history = new Uint32Array(8);
  const predictions = new PredictionHistory(doc);
  let previous = START_LABEL;
  let previous2 = START_LABEL;
  for (let i = 0; i < n; i++) {
    if (doc.tokens[i].sentenceStart) previous = previous2 = START_LABEL;
    scoreToken(model, mask, doc, i, previous, previous2, scores, history, predictions);
    const sentenceEnds = i + 1 >= n || doc.tokens[i + 1].sentenceStart;
    const label = bestLabel(scores, previous, sentenceEnds);
    labels[i] = label;
    predictions.observe(i, label);
    previous2 = previous;
    previous = label;
  }
  return labels;
}

/** Turns BILOU labels into spans; tolerant of ill-formed sequences. */
export function spansFromLabels(tokens: readonly NerToken[], labels: ArrayLike<number>): NerSpan[] {
  const spans: NerSpan[] = [];
  let open: { first: number; type: NerType } | undefined;
  for (let i = 0; i < labels.length; i++) {
    const type = labelType(labels[i]);
    const prefix = labelPrefix(labels[i]);
    if (open && (prefix === 'O' || prefix === 'B' || prefix === 'U' || type !== open.type || tokens[i].sentenceStart)) {
      spans.push(span(tokens, open.first, i - 1, open.type));
      open = undefined;
    }
    if (!type) continue;
    if (prefix === 'U') spans.push(span(tokens, i, i, type));
    else if (prefix === 'B' || !open) open = { first: i, type };
    if (prefix === 'L' && open) {
      spans.push(span(tokens, open.first, i, open.type));
      open = undefined;
    }
  }
  if (open) spans.push(span(tokens, open.first, labels.length - 1, open.type));
  return spans;
}

function span(tokens: readonly NerToken[], first: number, last: number, type: NerType): NerSpan {
  return { start: tokens[first].start, end: tokens[last].end, type, first, last };
}

/** Recognises PER/ORG/LOC/MISC spans in raw text. */
export function recognise(text: string, model: NerModel): { tokens: NerToken[]; spans: NerSpan[] } {
  // Offsets are unchanged by asciiPunctuation, so spans index the caller's text.
  const tokens = nerTokenize(asciiPunctuation(text));
  if (tokens.length === 0) return { tokens, spans: [] };
  const doc = docFeatures(tokens, model.gazetteer);
  return { tokens, spans: spansFromLabels(tokens, decode(model, doc)) };
}

/** Serialises a model: non-zero buckets only, weights quantised to 16 bits. */
export function encodeModel(model: NerModel): ModelFile {
  const { bits, weights } = model;
  if (model.rows) throw new Error('encodeModel expects a dense (training) model');
  let maxAbs = 0;
  for (const w of weights) maxAbs = Math.max(maxAbs, Math.abs(w));
  const scale = maxAbs / 32767 || 1;
  const buckets: number[] = [];
  for (let b = 0; b < 1 << bits; b++) {
    for (let c = 0; c < N_LABELS; c++) {
      if (Math.round(weights[b * N_LABELS + c] / scale) !== 0) {
        buckets.push(b);
        break;
      }
    }
  }
  const quantised = new Int16Array(buckets.length * N_LABELS);
  buckets.forEach((b, k) => {
    for (let c = 0; c < N_LABELS; c++) quantised[k * N_LABELS + c] = Math.round(weights[b * N_LABELS + c] / scale);
  });
  const gazetteerText = [...model.gazetteer].map(([key, value]) => `${key}\t${value}`).join('\n');
  const header = Buffer.from(
    JSON.stringify({ bits, labels: N_LABELS, scale, buckets: buckets.length, gazetteer: model.gazetteer.size }),
    'utf8',
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const binary = Buffer.concat([
    Buffer.from(MAGIC, 'utf8'),
    length,
    header,
    Buffer.from(Uint32Array.from(buckets).buffer),
    Buffer.from(quantised.buffer),
    Buffer.from(gazetteerText, 'utf8'),
  ]);
  return { format: MODEL_FORMAT, data: gzipSync(binary, { level: 9 }).toString('base64') };
}

export function decodeModel(file: ModelFile): NerModel {
  if (file.format !== MODEL_FORMAT) throw new Error(`unknown NER model format "${file.format}"`);
  const binary = gunzipSync(Buffer.from(file.data, 'base64'));
  if (binary.toString('utf8', 0, MAGIC.length) !== MAGIC) throw new Error('not a Storyline NER model');
  let offset = MAGIC.length;
  const headerLength = binary.readUInt32LE(offset);
  offset += 4;
  const header = JSON.parse(binary.toString('utf8', offset, offset + headerLength)) as {
    bits: number;
    labels: number;
    scale: number;
    buckets: number;
  };
  offset += headerLength;
  if (header.labels !== N_LABELS) throw new Error(`NER model has ${header.labels} labels, expected ${N_LABELS}`);
  const rows = new Int32Array(1 << header.bits).fill(-1);
  for (let k = 0; k < header.buckets; k++) rows[binary.readUInt32LE(offset + 4 * k)] = k;
  offset += 4 * header.buckets;
  // Copy into an aligned array: the Buffer's byte offset need not be even.
  const weightBytes = 2 * header.buckets * N_LABELS;
  const aligned = new Uint8Array(weightBytes);
  aligned.set(binary.subarray(offset, offset + weightBytes));
  const weights = new Int16Array(aligned.buffer);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    for (let k = 0; k < weights.length; k++) weights[k] = binary.readInt16LE(offset + 2 * k);
  }
  offset += weightBytes;
  const gazetteer: NameGazetteer = new Map();
  for (const line of binary.toString('utf8', offset).split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab > 0) gazetteer.set(line.slice(0, tab), Number(line.slice(tab + 1)));
  }
  return { bits: header.bits, rows, weights, gazetteer };
}
