/**
 * npm run bench:stories — story merging: dev-set quality, in-process
 * throughput at 1,000 and 100,000 open stories, and Redis memory per story.
 *
 * - Quality: the three development streams of ../shared/corpus/clustering-dev
 *   fed in publishedAt order (stable, as the shared scorer does) to
 *   createStoryClusterer with its defaults and the real tagger; pairwise,
 *   BCubed and NMI as defined by ../shared/tools/clustering-score/metrics.mjs
 *   (reimplemented here, same formulas). "online" scores the id add() returned;
 *   "final" the story after story repair (assignments()). Split-half rows: the
 *   gold stories split in two by a hash of their label, each half run alone.
 * - Shared scorer: the same streams through ../shared/tools/clustering-score
 *   itself, with src/merge/harness.ts as its CLUSTERER module, the way the
 *   held-out sets are scored. Its loader needs a date on every document, so
 *   undated ones (ECB+) get one minute per position, in file order.
 * - Throughput: synthetic stories (Zipf vocabulary plus per-story names),
 *   entities given (the tagger is another stage), articles/s of add() once
 *   N stories are open.
 * - Redis: the Redis merge path (MergeStore plan + commit) on a private
 *   redis-server; INFO used_memory before and after, over the stories made.
 * - df: the merge df hashes' size along a stream whose vocabulary keeps
 *   growing, counted forever and in generations (dfGenerationSize).
 * - bounded (only when named in BENCH_PARTS): the in-memory clusterer's heap
 *   along a long synthetic stream, unbounded and with maxStories.
 *
 * Env: CLUSTERING_DEV (data dir), BENCH_OPEN (comma list, default 1000,100000),
 * BENCH_REDIS_ARTICLES (default 4000), BENCH_DF_ARTICLES (default 12000),
 * BENCH_DF_GENERATION (default 2000), BENCH_PARTS (comma list of quality,
 * scorer, throughput, redis, df; default these five; also bounded), CLUSTERING_SCORER
 * (the shared scorer's evaluate.mjs), BENCH_MEASURED (adds timed per size,
 * default 2000), BENCH_BOUNDED_ARTICLES (default 100000) and
 * BENCH_BOUNDED_STORIES (the maxStories tried, default 10000).
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Redis } from 'ioredis';
import { articleFeatures, createStoryClusterer, resolveMergeOptions, type ClustererArticle } from '../src/merge';
import { keyspace } from '../src/store/keys';
import { MergeMirror } from '../src/store/merge-mirror';
import { MergeStore, type MergePlan } from '../src/store/merge-store';
import { redisServerAvailable, startRedisServer } from '../src/util/redis-server';
import { redisUsedMemory } from './redis-info';

const ROOT = path.resolve(__dirname, '../..');
const DEV = process.env.CLUSTERING_DEV ?? path.resolve(ROOT, '../shared/corpus/clustering-dev');
const SCORER = process.env.CLUSTERING_SCORER ?? path.resolve(ROOT, '../shared/tools/clustering-score/evaluate.mjs');
const STREAMS: Array<[string, string]> = [
  ['ECB+', 'ecbplus.dev.jsonl'],
  ['GVC', 'gvc.dev.jsonl'],
  ['Google News titles', 'google-news-titles.dev.jsonl'],
];

interface DevDoc extends ClustererArticle {
  cluster: string;
}

function loadStream(file: string): DevDoc[] {
  const docs = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; title?: string; text?: string; publishedAt?: string | null; cluster: string | number })
    .map((d) => ({
      id: String(d.id),
      title: d.title ?? '',
      text: d.text ?? '',
      publishedAt: d.publishedAt ?? undefined,
      cluster: String(d.cluster),
    }));
  const t = (d: DevDoc) => (d.publishedAt ? Date.parse(d.publishedAt) : 0);
  return docs
    .map((d, i) => ({ d, i }))
    .sort((x, y) => t(x.d) - t(y.d) || x.i - y.i)
    .map((x) => x.d);
}

// ---- metrics (same definitions as the shared scorer's metrics.mjs) ----
function table(gold: string[], pred: string[]) {
  const cells = new Map<string, number>();
  const g = new Map<string, number>();
  const p = new Map<string, number>();
  gold.forEach((x, i) => {
    const key = `${x}\u0000${pred[i]}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    g.set(x, (g.get(x) ?? 0) + 1);
    p.set(pred[i], (p.get(pred[i]) ?? 0) + 1);
  });
  return { cells, g, p, n: gold.length };
}
const c2 = (n: number) => (n * (n - 1)) / 2;
function metrics(gold: string[], pred: string[]) {
  const { cells, g, p, n } = table(gold, pred);
  let tp = 0;
  let b3p = 0;
  let b3r = 0;
  let mi = 0;
  for (const [key, nck] of cells) {
    const [gc, pc] = key.split('\u0000');
    tp += c2(nck);
    b3p += (nck * nck) / (p.get(pc) as number);
    b3r += (nck * nck) / (g.get(gc) as number);
    mi += nck * Math.log((n * nck) / ((g.get(gc) as number) * (p.get(pc) as number)));
  }
  const sameP = [...p.values()].reduce((s, x) => s + c2(x), 0);
  const sameG = [...g.values()].reduce((s, x) => s + c2(x), 0);
  const f = (a: number, b: number) => (a + b ? (2 * a * b) / (a + b) : 0);
  const P = sameP ? tp / sameP : 0;
  const R = sameG ? tp / sameG : 0;
  const hg = [...g.values()].reduce((s, x) => s + x * Math.log(x / n), 0);
  const hp = [...p.values()].reduce((s, x) => s + x * Math.log(x / n), 0);
  const nmi = hg === 0 || hp === 0 ? (hg === hp ? 1 : 0) : mi / Math.sqrt(hg * hp);
  return { pP: P, pR: R, pF1: f(P, R), b3F1: f(b3p / n, b3r / n), nmi, k: p.size, kGold: g.size };
}

const pct = (x: number) => (100 * x).toFixed(1);
function hashHalf(label: string): number {
  let h = 7;
  for (const ch of label) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h % 2;
}

function runStream(docs: DevDoc[]) {
  const c = createStoryClusterer();
  const online = docs.map((d) => c.add(d));
  const assigned = c.assignments();
  const final = docs.map((d, i) => assigned.get(d.id) ?? online[i]);
  const gold = docs.map((d) => d.cluster);
  return { online: metrics(gold, online), final: metrics(gold, final), merged: c.merged().size };
}

/** The dev streams found under DEV, as [name, path]; a missing one is reported and left out. */
function presentStreams(): Array<[string, string]> {
  return STREAMS.map(([name, file]): [string, string] => [name, path.join(DEV, file)]).filter(([name, full]) => {
    if (!existsSync(full)) console.log(`${name}: ${full} missing, skipped`);
    return existsSync(full);
  });
}

function quality(): void {
  console.log('## Dev-set quality (createStoryClusterer defaults, real tagger, stream order)');
  if (!existsSync(DEV)) {
    console.log(`  development streams not found at ${DEV}: set CLUSTERING_DEV or check out ../shared; skipping quality.`);
    return;
  }
  console.log('stream                 | online pairwise P/R/F1 | BCubed F1 | NMI   | stories (gold) | final pF1 / B3 / NMI');
  for (const [name, full] of presentStreams()) {
    const docs = loadStream(full);
    const rows: Array<[string, DevDoc[]]> = [
      [name, docs],
      [`  half A`, docs.filter((d) => hashHalf(d.cluster) === 0)],
      [`  half B`, docs.filter((d) => hashHalf(d.cluster) === 1)],
    ];
    for (const [label, subset] of rows) {
      const r = runStream(subset);
      const o = r.online;
      const f = r.final;
      console.log(
        `${label.padEnd(22)} | ${pct(o.pP)} / ${pct(o.pR)} / ${pct(o.pF1)}`.padEnd(49) +
          ` | ${pct(o.b3F1).padStart(9)} | ${o.nmi.toFixed(3)} | ${String(o.k).padStart(5)} (${o.kGold})`.padEnd(30) +
          ` | ${pct(f.pF1)} / ${pct(f.b3F1)} / ${f.nmi.toFixed(3)} (${r.merged} repairs)`,
      );
    }
  }
}

interface ScorerSummary {
  docs: number;
  predClusters: number;
  pairwise: { p: number; r: number; f1: number };
  bcubed: { f1: number };
  nmi: number;
  /** Absent when the clusterer has no assignments(). */
  final?: { pairwiseF1: number; bcubedF1: number; nmi: number; predClusters: number };
}

/**
 * One stream through the shared scorer (its own process), with the harness
 * module as the clusterer. Only the documents without a date get one (a
 * minute apart from 2000-01-01, in file order); the streams are dated
 * throughout or not at all.
 */
function runSharedScorer(file: string): ScorerSummary {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'storyline-scorer-'));
  try {
    const start = Date.UTC(2000, 0, 1);
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => {
        const d = JSON.parse(l) as { publishedAt?: string | null };
        return JSON.stringify(d.publishedAt ? d : { ...d, publishedAt: new Date(start + (i + 1) * 60_000).toISOString() });
      });
    writeFileSync(path.join(dir, 'dev.jsonl'), lines.join('\n') + '\n');
    // The scorer's optional outputs (PRED_OUT, EVAL_PROGRESS) are not wanted from a bench.
    const env = { ...process.env };
    delete env.PRED_OUT;
    delete env.EVAL_PROGRESS;
    const out = execFileSync(process.execPath, [SCORER], {
      env: { ...env, HOLDOUT_CLUSTERING: dir, HOLDOUT_SPLIT: 'dev', CLUSTERER: path.resolve(__dirname, '../src/merge/harness.js') },
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      timeout: 10 * 60_000,
    });
    const summary = out.split('\n').find((l) => l.startsWith('SUMMARY '));
    if (!summary) throw new Error(`the shared scorer printed no SUMMARY line:\n${out}`);
    return JSON.parse(summary.slice('SUMMARY '.length)) as ScorerSummary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sharedScorer(): void {
  console.log('\n## The same streams through the shared scorer (CLUSTERER=dist/src/merge/harness.js)');
  if (!existsSync(SCORER) || !existsSync(DEV)) {
    console.log(`  shared scorer or streams not found (${SCORER}): set CLUSTERING_SCORER / CLUSTERING_DEV; skipping.`);
    return;
  }
  console.log('stream                 | online pairwise P/R/F1 | BCubed F1 | NMI   | stories | final pF1 / B3 / NMI');
  for (const [name, full] of presentStreams()) {
    let s: ScorerSummary;
    try {
      s = runSharedScorer(full);
    } catch (err) {
      // One stream failing (the scorer's exit code, a timeout) must not stop the other streams or parts.
      const e = err as { message?: string; stdout?: string };
      console.log(`${name}: the shared scorer failed: ${e.message ?? String(err)}${e.stdout ? `\n${e.stdout}` : ''}`);
      process.exitCode = 1;
      continue;
    }
    const f = s.final;
    console.log(
      `${name.padEnd(22)} | ${pct(s.pairwise.p)} / ${pct(s.pairwise.r)} / ${pct(s.pairwise.f1)}`.padEnd(49) +
        ` | ${pct(s.bcubed.f1).padStart(9)} | ${s.nmi.toFixed(3)} | ${String(s.predClusters).padStart(7)}` +
        ` | ${f ? `${pct(f.pairwiseF1)} / ${pct(f.bcubedF1)} / ${f.nmi.toFixed(3)}` : 'no final assignments'}`,
    );
  }
}

// ---- synthetic stream for throughput and memory ----
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tu', 'sa', 'vor', 'eli', 'dan', 'pu', 'qua', 'zen', 'bri', 'ost', 'mel', 'har'];
function word(i: number): string {
  let w = '';
  let x = i + 17;
  do {
    w += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  } while (x > 0);
  return w + 'x';
}
const VOCAB = 30_000;
/** Synthetic article: Zipf background words, the story's own topic words, and a capitalised name pair. */
function syntheticArticle(storyNo: number, n: number, rand: () => number): ClustererArticle {
  const story = rng(storyNo * 7919 + 1);
  const topic = Array.from({ length: 12 }, () => word(1000 + Math.floor(story() * (VOCAB - 1000))));
  const name = `${word(VOCAB + storyNo * 2)} ${word(VOCAB + storyNo * 2 + 1)}`.replace(/\b\w/g, (c) => c.toUpperCase());
  const words: string[] = [];
  for (let i = 0; i < 80; i++) {
    if (i % 10 === 3) words.push(name);
    else if (rand() < 0.35) words.push(topic[Math.floor(rand() * topic.length)]);
    else words.push(word(Math.floor(Math.pow(rand(), 2.5) * VOCAB)));
  }
  const title = `${name} ${topic.slice(0, 4).join(' ')}`;
  return {
    id: `syn-${storyNo}-${n}`,
    title,
    text: `Reports said that ${words.join(' ')}.`,
    publishedAt: new Date(Date.UTC(2026, 0, 1) + storyNo * 60_000).toISOString(),
    entities: [{ entityId: `person:${storyNo}`, salience: 0.8 }],
  };
}

function throughput(): void {
  console.log('\n## In-process throughput (synthetic stories, entities given)');
  const sizes = (process.env.BENCH_OPEN ?? '1000,100000').split(',').map(Number);
  for (const open of sizes) {
    const c = createStoryClusterer();
    const rand = rng(42);
    const t0 = process.hrtime.bigint();
    for (let s = 0; s < open; s++) c.add(syntheticArticle(s, 0, rand));
    const fill = Number(process.hrtime.bigint() - t0) / 1e9;
    const measured = Number(process.env.BENCH_MEASURED ?? 2000);
    // Half follow-ups to open stories, half new stories.
    const t1 = process.hrtime.bigint();
    const cpu1 = process.cpuUsage();
    for (let i = 0; i < measured; i++) {
      const storyNo = i % 2 === 0 ? Math.floor(rand() * open) : open + i;
      c.add(syntheticArticle(storyNo, i + 1, rand));
    }
    const secs = Number(process.hrtime.bigint() - t1) / 1e9;
    const cpu = process.cpuUsage(cpu1);
    const cpuSecs = (cpu.user + cpu.system) / 1e6;
    const stories = c.stories().length;
    console.log(
      `open stories ${String(open).padStart(7)}: ${(measured / secs).toFixed(0)} articles/s over ${measured} adds ` +
        `(${(measured / cpuSecs).toFixed(0)} per CPU-second) ` +
        `(${stories} stories after; filling took ${fill.toFixed(1)} s = ${(open / fill).toFixed(0)} articles/s; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB)`,
    );
  }
}

/** One synthetic article through the Redis merge path (plan, then commit), as the merge worker runs it. */
async function mergeSynthetic(store: MergeStore, redis: Redis, a: ClustererArticle): Promise<MergePlan> {
  const plan = await store.plan(articleFeatures({ ...a, entities: a.entities ?? [] }));
  await plan.commit(redis, () => undefined);
  return plan;
}

async function redisMemory(): Promise<void> {
  console.log('\n## Redis merge index memory (MergeStore on a private redis-server)');
  if (!redisServerAvailable()) {
    console.log('  redis-server not installed: skipped');
    return;
  }
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  try {
    const opts = resolveMergeOptions();
    const store = new MergeStore(redis, keyspace('bench'), opts);
    const used = () => redisUsedMemory(redis);
    const before = await used();
    const articles = Number(process.env.BENCH_REDIS_ARTICLES ?? 4000);
    const rand = rng(7);
    const stories = new Set<string>();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < articles; i++) {
      const storyNo = i % 2 === 0 && i > 0 ? Math.floor(rand() * (i / 2)) : i;
      const plan = await mergeSynthetic(store, redis, syntheticArticle(storyNo, i, rand));
      stories.add(plan.storyId);
      for (const gone of plan.merged) stories.delete(gone);
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = await used();
    console.log(
      `${articles} articles → ${stories.size} stories: ${((after - before) / stories.size / 1024).toFixed(1)} KiB per story ` +
        `(merge index: df hash, story states, postings; story records are extra); ` +
        `${(articles / secs).toFixed(0)} articles/s through plan+commit`,
    );
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

/**
 * The merge df hashes as the vocabulary grows: every synthetic story brings two new names, as real news
 * brings new people, places and numbers. Counted forever the hashes grow with every article; in
 * generations (dfGenerationSize) they hold at most two generations' vocabulary.
 */
async function dfGenerations(): Promise<void> {
  console.log('\n## Merge df hashes in Redis as the vocabulary grows (MergeStore on a private redis-server)');
  if (!redisServerAvailable()) {
    console.log('  redis-server not installed: skipped');
    return;
  }
  const articles = Number(process.env.BENCH_DF_ARTICLES ?? 12_000);
  const generation = Number(process.env.BENCH_DF_GENERATION ?? 2_000);
  // About six checkpoints, each a whole number of generations in (the same articles for both runs).
  const checkpointEvery = generation * Math.max(1, Math.round(articles / 6 / generation));
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const usage = async (key: string) => Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  try {
    for (const size of [0, generation]) {
      const keys = keyspace(`bench-df-${size}`);
      // With a mirror, as a merge worker runs (it re-reads every df after a generation turn).
      const store = new MergeStore(redis, keys, resolveMergeOptions({ dfGenerationSize: size }), undefined, new MergeMirror());
      const rand = rng(11);
      const checkpoints: string[] = [];
      const t0 = process.hrtime.bigint();
      for (let i = 1; i <= articles; i++) {
        const storyNo = i % 2 === 0 ? Math.floor(rand() * (i / 2)) : i;
        await mergeSynthetic(store, redis, syntheticArticle(storyNo, i, rand));
        // Just before a turn (the most the generations ever hold), and after the last article.
        if (i % checkpointEvery === checkpointEvery - 1 || i === articles) {
          const fields = (await redis.hlen(keys.mergeDf)) + (await redis.hlen(keys.mergePrevDf));
          const bytes = (await usage(keys.mergeDf)) + (await usage(keys.mergePrevDf));
          checkpoints.push(`${i}: ${fields} entries, ${(bytes / 2 ** 20).toFixed(2)} MiB`);
        }
      }
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      console.log(
        `${size ? `generations of ${size}` : 'counted forever'}: ${checkpoints.join(' · ')} ` +
          `(${(articles / secs).toFixed(0)} articles/s)`,
      );
    }
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

/** Live heap after a full collection (gc exposed at run time, so the bench needs no node flag). */
function liveHeapMiB(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/**
 * The in-memory clusterer along a long stream: every story gets two articles (the second a few stories later),
 * as an endless feed would. Unbounded, the heap grows with every story; with maxStories it levels off.
 */
function boundedMemory(): void {
  const total = Number(process.env.BENCH_BOUNDED_ARTICLES ?? 100_000);
  const cap = Number(process.env.BENCH_BOUNDED_STORIES ?? 10_000);
  console.log(`\n## In-memory clusterer heap over ${total.toLocaleString('en-US')} articles (synthetic, entities given)`);
  console.log(
    'maxStories | ' +
      [1, 2, 3, 4].map((q) => `heap at ${((total * q) / 4).toLocaleString('en-US')}`).join(' | ') +
      ' | articles/s | stories open',
  );
  for (const maxStories of [undefined, cap]) {
    let closed = 0;
    const c = createStoryClusterer(maxStories === undefined ? {} : { maxStories, onStoryClosed: () => void closed++ });
    const rand = rng(7);
    const heaps: string[] = [];
    let addNs = 0;
    for (let i = 0; i < total; i++) {
      const base = Math.floor(i / 2);
      const storyNo = i % 2 === 0 ? base : Math.max(0, base - Math.floor(rand() * 20));
      const article = syntheticArticle(storyNo, i, rand);
      const t0 = process.hrtime.bigint();
      c.add(article);
      addNs += Number(process.hrtime.bigint() - t0);
      // The forced collections at the checkpoints are not timed.
      if ((i + 1) % Math.floor(total / 4) === 0) heaps.push(`${liveHeapMiB().toFixed(0)} MiB`);
    }
    console.log(
      `${String(maxStories ?? 'none').padStart(10)} | ${heaps.join(' | ')} | ${(total / (addNs / 1e9)).toFixed(0)} | ${c.stories().length}` +
        (maxStories === undefined ? '' : ` (${closed} closed)`),
    );
  }
}

async function main(): Promise<void> {
  const parts = new Set((process.env.BENCH_PARTS ?? 'quality,scorer,throughput,redis,df').split(',').map((p) => p.trim()));
  if (parts.has('quality')) quality();
  if (parts.has('scorer')) sharedScorer();
  if (parts.has('throughput')) throughput();
  if (parts.has('redis')) await redisMemory();
  if (parts.has('df')) await dfGenerations();
  if (parts.has('bounded')) boundedMemory();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
