/**
 * Trains the statistical recogniser (src/tag/ner) on CoNLL-2003 English
 * train.txt and writes src/tag/model/ner-model.json. `npm run train:ner`.
 *
 *   node dist/src/tag/train/train-ner.js [--data DIR] [--epochs N] [--bits B]
 *        [--min-count N] [--folds K] [--seed S] [--out FILE] [--no-eval] [--no-write]
 *
 * Reproducible: documents are shuffled with a seeded generator, and nothing
 * depends on time or hash iteration order. Only train.txt is learnt from;
 * valid.txt is read to report figures after each epoch (for tuning). The
 * test portion is never read.
 *
 * Gazetteer features are jackknifed: while training, a document sees only
 * the names of the other folds (plus config/entities), so the model learns
 * how far to trust a gazetteer hit on a name it has not seen; the shipped
 * model carries every training name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GAZETTEER } from '../../../config/entities';
import type { GazetteerEntity } from '../../types';
import {
  docFeatures,
  labelOf,
  N_LABELS,
  PredictionHistory,
  START_LABEL,
  TYPE_BITS,
  ENTITY_TYPES,
  MAX_GAZ_TOKENS,
  type DocFeatures,
  type NameGazetteer,
  type NerType,
} from '../ner/features';
import { bestLabel, decode, decodeModel, encodeModel, scoreToken, spansFromLabels, type NerModel } from '../ner/model';
import { nerTokenize, type NerToken } from '../ner/tokenize';
import { seededRandom } from '../../util/random';

interface Options {
  data: string;
  epochs: number;
  bits: number;
  minCount: number;
  folds: number;
  seed: number;
  out: string;
  evaluate: boolean;
  write: boolean;
}

interface GoldSpan {
  start: number;
  end: number;
  type: NerType;
}

interface Doc {
  text: string;
  tokens: NerToken[];
  gold: GoldSpan[];
  labels: Uint8Array;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    data: process.env.NER_DATA ?? path.resolve(__dirname, '../../../../../shared/corpus/ner'),
    epochs: 6,
    bits: 20,
    minCount: 2,
    folds: 10,
    seed: 20031,
    out: '',
    evaluate: true,
    write: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === '--data') options.data = value();
    else if (arg === '--epochs') options.epochs = Number(value());
    else if (arg === '--bits') options.bits = Number(value());
    else if (arg === '--min-count') options.minCount = Number(value());
    else if (arg === '--folds') options.folds = Number(value());
    else if (arg === '--seed') options.seed = Number(value());
    else if (arg === '--out') options.out = value();
    else if (arg === '--no-eval') options.evaluate = false;
    else if (arg === '--no-write') options.write = false;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!options.out && options.write) options.out = path.join(findRepoRoot(), 'src/tag/model/ner-model.json');
  return options;
}

function findRepoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** CoNLL documents rebuilt as the scorer does: tokens joined by a space, sentences by a newline. */
function readConll(file: string): Doc[] {
  const docs: Doc[] = [];
  let sentences: Array<Array<[string, string]>> = [];
  let sentence: Array<[string, string]> = [];
  const flushSentence = () => {
    if (sentence.length > 0) sentences.push(sentence);
    sentence = [];
  };
  const flushDoc = () => {
    flushSentence();
    if (sentences.length > 0) docs.push(buildDoc(sentences));
    sentences = [];
  };
  for (const raw of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('-DOCSTART-')) flushDoc();
    else if (line === '') flushSentence();
    else {
      const cols = line.split(/\s+/);
      sentence.push([cols[0], cols[cols.length - 1]]);
    }
  }
  flushDoc();
  return docs;
}

function buildDoc(sentences: Array<Array<[string, string]>>): Doc {
  let text = '';
  const gold: GoldSpan[] = [];
  sentences.forEach((sentence, s) => {
    if (s > 0) text += '\n';
    let open: GoldSpan | undefined;
    sentence.forEach(([word, tag], k) => {
      if (k > 0) text += ' ';
      const start = text.length;
      text += word;
      const type = tag.length > 2 ? (tag.slice(2) as NerType) : undefined;
      if (open && (!type || tag[0] === 'B' || type !== open.type)) {
        gold.push(open);
        open = undefined;
      }
      if (type) {
        if (open) open.end = text.length;
        else open = { start, end: text.length, type };
      }
    });
    if (open) gold.push(open);
  });
  const tokens = nerTokenize(text);
  return { text, tokens, gold, labels: bilou(tokens, gold) };
}

/** Projects gold character spans onto our tokens as BILOU labels. */
function bilou(tokens: NerToken[], gold: GoldSpan[]): Uint8Array {
  const labels = new Uint8Array(tokens.length);
  let t = 0;
  for (const span of gold) {
    while (t < tokens.length && tokens[t].end <= span.start) t++;
    let last = t;
    while (last + 1 < tokens.length && tokens[last + 1].start < span.end) last++;
    if (t >= tokens.length) break;
    if (last === t) labels[t] = labelOf('U', span.type);
    else {
      labels[t] = labelOf('B', span.type);
      for (let k = t + 1; k < last; k++) labels[k] = labelOf('I', span.type);
      labels[last] = labelOf('L', span.type);
    }
  }
  return labels;
}

const CONFIG_TYPES: Partial<Record<GazetteerEntity['type'], NerType>> = { person: 'PER', org: 'ORG', place: 'LOC', product: 'MISC' };

function gazetteerKey(tokens: NerToken[]): string {
  return tokens.map((token) => token.text.toLowerCase()).join(' ');
}

/** Names from config/entities (capitalised aliases only: lowercase topic aliases are not names). */
function configNames(): NameGazetteer {
  const names: NameGazetteer = new Map();
  for (const entity of GAZETTEER) {
    const type = CONFIG_TYPES[entity.type];
    if (!type) continue;
    for (const alias of [entity.name, ...entity.aliases]) {
      if (!/\p{Lu}/u.test(alias) || /[\p{Script=Han}]/u.test(alias)) continue;
      const tokens = nerTokenize(alias);
      if (tokens.length === 0 || tokens.length > MAX_GAZ_TOKENS) continue;
      const key = gazetteerKey(tokens);
      names.set(key, (names.get(key) ?? 0) | TYPE_BITS[type]);
    }
  }
  return names;
}

function addDocNames(names: NameGazetteer, doc: Doc): void {
  for (const span of doc.gold) {
    const tokens = doc.tokens.filter((token) => token.start >= span.start && token.end <= span.end);
    if (tokens.length === 0 || tokens.length > MAX_GAZ_TOKENS) continue;
    const key = gazetteerKey(tokens);
    names.set(key, (names.get(key) ?? 0) | TYPE_BITS[span.type]);
  }
}

/** Averaged perceptron: w and u with avg = w - u / c (Daumé's trick). */
class Perceptron {
  readonly weights: Float32Array;
  private readonly updates: Float64Array;
  private count = 1;
  readonly mask: number;

  constructor(readonly bits: number) {
    this.weights = new Float32Array((1 << bits) * N_LABELS);
    this.updates = new Float64Array((1 << bits) * N_LABELS);
    this.mask = (1 << bits) - 1;
  }

  tick(): void {
    this.count++;
  }

  update(features: Iterable<number>, gold: number, guess: number): void {
    for (const h of features) {
      const base = (h & this.mask) * N_LABELS;
      this.weights[base + gold] += 1;
      this.updates[base + gold] += this.count;
      this.weights[base + guess] -= 1;
      this.updates[base + guess] -= this.count;
    }
  }

  averaged(): Float32Array {
    const out = new Float32Array(this.weights.length);
    for (let k = 0; k < out.length; k++) out[k] = this.weights[k] - this.updates[k] / this.count;
    return out;
  }
}

function trainEpoch(perceptron: Perceptron, docs: DocFeatures[], labels: Uint8Array[], order: number[]): number {
  const scores = new Float64Array(N_LABELS);
  const history = new Uint32Array(8);
  let errors = 0;
  for (const d of order) {
    const doc = docs[d];
    const gold = labels[d];
    const predictions = new PredictionHistory(doc);
    let previous = START_LABEL;
    let previous2 = START_LABEL;
    for (let i = 0; i < doc.tokens.length; i++) {
      if (doc.tokens[i].sentenceStart) previous = previous2 = START_LABEL;
      const nHistory = scoreToken(
        { rows: null, weights: perceptron.weights },
        perceptron.mask,
        doc,
        i,
        previous,
        previous2,
        scores,
        history,
        predictions,
      );
      const sentenceEnds = i + 1 >= doc.tokens.length || doc.tokens[i + 1].sentenceStart;
      const guess = bestLabel(scores, previous, sentenceEnds);
      if (guess !== gold[i]) {
        errors++;
        perceptron.update(doc.hashes.subarray(doc.offsets[i], doc.offsets[i + 1]), gold[i], guess);
        perceptron.update(history.subarray(0, nHistory), gold[i], guess);
      }
      perceptron.tick();
      predictions.observe(i, guess);
      previous2 = previous;
      previous = guess;
    }
  }
  return errors;
}

/** Drops static features whose bucket occurs fewer than minCount times in training. */
function pruneRare(docs: DocFeatures[], bits: number, minCount: number): void {
  if (minCount <= 1) return;
  const mask = (1 << bits) - 1;
  const counts = new Uint32Array(1 << bits);
  for (const doc of docs) for (const h of doc.hashes) counts[h & mask]++;
  for (const doc of docs) {
    const kept: number[] = [];
    const offsets = new Uint32Array(doc.offsets.length);
    for (let i = 0; i + 1 < doc.offsets.length; i++) {
      offsets[i] = kept.length;
      for (let f = doc.offsets[i]; f < doc.offsets[i + 1]; f++) if (counts[doc.hashes[f] & mask] >= minCount) kept.push(doc.hashes[f]);
    }
    offsets[doc.offsets.length - 1] = kept.length;
    doc.hashes = Uint32Array.from(kept);
    doc.offsets = offsets;
  }
}

export interface Scores {
  perType: Record<string, { p: number; r: number; f: number }>;
  microCore: { p: number; r: number; f: number };
}

export function evaluate(model: NerModel, docs: Doc[]): Scores {
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  for (const type of ENTITY_TYPES) counts.set(type, { tp: 0, fp: 0, fn: 0 });
  for (const doc of docs) {
    const predicted = spansFromLabels(doc.tokens, decode(model, docFeatures(doc.tokens, model.gazetteer)));
    const key = (s: { start: number; end: number; type: string }) => `${s.start}:${s.end}:${s.type}`;
    const gold = new Set(doc.gold.map(key));
    const pred = new Set(predicted.map(key));
    for (const s of predicted) counts.get(s.type)![gold.has(key(s)) ? 'tp' : 'fp']++;
    for (const s of doc.gold) if (!pred.has(key(s))) counts.get(s.type)!.fn++;
  }
  const prf = (tp: number, fp: number, fn: number) => {
    const p = tp / Math.max(1, tp + fp);
    const r = tp / Math.max(1, tp + fn);
    return { p, r, f: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
  };
  const perType: Scores['perType'] = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [type, c] of counts) {
    perType[type] = prf(c.tp, c.fp, c.fn);
    if (type !== 'MISC') {
      tp += c.tp;
      fp += c.fp;
      fn += c.fn;
    }
  }
  return { perType, microCore: prf(tp, fp, fn) };
}

function formatScores(scores: Scores): string {
  const pct = (x: number) => (100 * x).toFixed(2);
  const types = Object.entries(scores.perType).map(([t, s]) => `${t} ${pct(s.f)}`);
  const m = scores.microCore;
  return `P/O/L micro P ${pct(m.p)} R ${pct(m.r)} F1 ${pct(m.f)} | ${types.join(' ')}`;
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const train = readConll(path.join(options.data, 'train.txt'));
  const valid = options.evaluate ? readConll(path.join(options.data, 'valid.txt')) : [];
  const config = configNames();
  console.log(
    `train: ${train.length} documents, ${train.reduce((n, d) => n + d.tokens.length, 0)} tokens; ` +
      `valid: ${valid.length} documents; config names: ${config.size}`,
  );

  // Jackknifed gazetteers: fold f sees config names plus the names of every other fold.
  const foldOf = (d: number) => d % options.folds;
  const foldNames = Array.from({ length: options.folds }, () => new Map(config) as NameGazetteer);
  train.forEach((doc, d) => {
    for (let f = 0; f < options.folds; f++) if (f !== foldOf(d)) addDocNames(foldNames[f], doc);
  });
  const allNames: NameGazetteer = new Map(config);
  for (const doc of train) addDocNames(allNames, doc);

  const features = train.map((doc, d) => docFeatures(doc.tokens, foldNames[foldOf(d)]));
  pruneRare(features, options.bits, options.minCount);
  const labels = train.map((doc) => doc.labels);
  console.log(`features ready in ${((Date.now() - started) / 1000).toFixed(1)} s; gazetteer: ${allNames.size} names`);

  const perceptron = new Perceptron(options.bits);
  const rng = seededRandom(options.seed);
  const order = train.map((_, d) => d);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(rng() * (k + 1));
      [order[k], order[j]] = [order[j], order[k]];
    }
    const errors = trainEpoch(perceptron, features, labels, order);
    let line = `epoch ${epoch}: ${errors} token errors`;
    if (options.evaluate && (epoch === options.epochs || epoch % 3 === 0)) {
      const model: NerModel = { bits: options.bits, rows: null, weights: perceptron.averaged(), gazetteer: allNames };
      line += ` | valid ${formatScores(evaluate(model, valid))}`;
    }
    console.log(`${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  const model: NerModel = { bits: options.bits, rows: null, weights: perceptron.averaged(), gazetteer: allNames };
  const file = encodeModel(model);
  if (options.evaluate) {
    console.log(`valid (quantised model): ${formatScores(evaluate(decodeModel(file), valid))}`);
  }
  if (options.write) {
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, JSON.stringify(file) + '\n');
    console.log(`wrote ${options.out} (${(fs.statSync(options.out).size / 1e6).toFixed(2)} MB)`);
  }
}

if (require.main === module) main();
