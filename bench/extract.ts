/**
 * npm run bench:extract — extraction quality and speed on the development corpus
 * (../shared/corpus/extraction-dev), for the default DOM (linkedom), for jsdom,
 * and for plain Readability on jsdom as the baseline, all in the same run.
 *
 * - Quality: scored with the shared scorer's own functions
 *   (../shared/tools/extraction-score.mjs: docCounts + aggregate), so the numbers
 *   are the scorer's.
 * - ms a page: the three extractors run page by page, interleaved, so machine
 *   load hits them alike; ROUNDS passes (default 3), median of the per-pass figures.
 * - pages/s on all cores and peak RSS: one child process per extractor; ours go
 *   through the thread pool (os.availableParallelism() threads).
 *
 * Env: EXTRACTION_CORPUS (data dir), EXTRACTION_SCORER (scorer path), ROUNDS.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import { createExtractPool, extractArticle, ExtractError } from '../src/extract';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = process.env.EXTRACTION_CORPUS ?? path.resolve(ROOT, '../shared/corpus/extraction-dev');
const SCORER = process.env.EXTRACTION_SCORER ?? path.resolve(ROOT, '../shared/tools/extraction-score.mjs');
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 3));

type Which = 'linkedom' | 'jsdom' | 'baseline';
const WHICH: Which[] = ['linkedom', 'jsdom', 'baseline'];
const LABEL: Record<Which, string> = {
  linkedom: 'storyline, linkedom (default)',
  jsdom: 'storyline, jsdom',
  baseline: 'Readability on jsdom (baseline)',
};

interface Page {
  id: string;
  url: string;
  truth: string;
  html: string;
}

type Counts = [number, number, number];
interface Scorer {
  docCounts(truth: string, pred: string): Counts;
  aggregate(counts: Counts[]): { f1: number; precision: number; recall: number };
}

function loadPages(): Page[] {
  const truth = JSON.parse(readFileSync(path.join(CORPUS, 'ground-truth.json'), 'utf8')) as Record<
    string,
    { articleBody?: string; url?: string }
  >;
  const files = new Map(readdirSync(path.join(CORPUS, 'html')).map((f) => [f.replace(/\.html?(\.gz)?$/, ''), f]));
  return Object.keys(truth)
    .sort()
    .filter((id) => files.has(id))
    .map((id) => {
      const file = path.join(CORPUS, 'html', files.get(id) as string);
      const raw = readFileSync(file);
      const html = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      return { id, url: truth[id].url || 'https://example.invalid/', truth: truth[id].articleBody ?? '', html };
    });
}

function runOne(which: Which, page: Page): string {
  if (which === 'baseline') {
    const dom = new JSDOM(page.html, { url: page.url, virtualConsole: new VirtualConsole() });
    try {
      return new Readability(dom.window.document).parse()?.textContent ?? '';
    } finally {
      dom.window.close();
    }
  }
  try {
    return extractArticle(page.html, page.url, { dom: which }).text;
  } catch (err) {
    if (err instanceof ExtractError) return '';
    throw err;
  }
}

const median = (xs: number[]): number => percentile(xs, 50);
function percentile(xs: number[], p: number): number {
  // Nearest rank, as the shared scorer does.
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Child mode: all pages through the thread pool (or, for the baseline, one thread), twice; pages/s and peak RSS. */
async function child(which: Which): Promise<void> {
  const pages = loadPages();
  const threads = availableParallelism();
  let pagesPerSec: number;
  if (which === 'baseline') {
    for (const page of pages.slice(0, 10)) runOne(which, page);
    const started = performance.now();
    for (const page of pages) runOne(which, page);
    pagesPerSec = pages.length / ((performance.now() - started) / 1000);
  } else {
    const pool = createExtractPool({ threads, timeoutMs: 60_000 });
    if (pool.mode !== 'threads') throw new Error('no compiled thread script: run npm run build first');
    const all = (): Promise<unknown> => Promise.all(pages.map((p) => pool.extract(p.html, p.url, { dom: which }).catch(() => undefined)));
    await all(); // warm-up: threads start and compile
    const started = performance.now();
    await all();
    pagesPerSec = pages.length / ((performance.now() - started) / 1000);
    await pool.close();
  }
  process.stdout.write(
    JSON.stringify({ pagesPerSec, threads: which === 'baseline' ? 1 : threads, maxRssMiB: process.resourceUsage().maxRSS / 1024 }),
  );
}

async function main(): Promise<void> {
  if (!existsSync(path.join(CORPUS, 'ground-truth.json')) || !existsSync(SCORER)) {
    console.error(
      `bench:extract needs the shared development corpus and scorer, which are not here:\n` +
        `  corpus ${CORPUS}${existsSync(CORPUS) ? '' : ' (missing)'}\n  scorer ${SCORER}${existsSync(SCORER) ? '' : ' (missing)'}\n` +
        `Check out ../shared next to this repository, or set EXTRACTION_CORPUS and EXTRACTION_SCORER.`,
    );
    process.exitCode = 2;
    return;
  }
  // A real dynamic import (tsc would turn import() into require(), which cannot load .mjs here).
  const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<Scorer>;
  const scorer = await importEsm(pathToFileURL(SCORER).href);
  const pages = loadPages();
  console.log(
    `extraction bench: ${pages.length} pages from ${CORPUS}, ${ROUNDS} rounds, node ${process.version}, ${availableParallelism()} CPUs`,
  );

  const silenced = console.error;
  console.error = () => undefined; // jsdom's CSS parser complains about real-world stylesheets
  const times: Record<Which, number[][]> = { linkedom: [], jsdom: [], baseline: [] };
  const outputs: Record<Which, string[]> = { linkedom: [], jsdom: [], baseline: [] };
  try {
    for (const page of pages.slice(0, 10)) for (const which of WHICH) runOne(which, page);
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of WHICH) times[which].push([]);
      for (const page of pages) {
        for (const which of WHICH) {
          const started = performance.now();
          const text = runOne(which, page);
          times[which][round].push(performance.now() - started);
          if (round === 0) outputs[which].push(text);
        }
      }
    }
  } finally {
    console.error = silenced;
  }

  const rows = WHICH.map((which) => {
    const quality = scorer.aggregate(pages.map((p, i) => scorer.docCounts(p.truth, outputs[which][i])));
    const medians = times[which].map(median);
    const p95s = times[which].map((t) => percentile(t, 95));
    const run = spawnSync(process.execPath, [__filename, '--child', which], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const sys = run.status === 0 ? (JSON.parse(run.stdout) as { pagesPerSec: number; threads: number; maxRssMiB: number }) : undefined;
    if (!sys) console.error(`throughput run for ${which} failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return { which, quality, medians, msMedian: median(medians), msP95: median(p95s), sys };
  });

  const f = (x: number, d = 3) => x.toFixed(d);
  console.log(
    `\n${'extractor'.padEnd(34)} ${'F1'.padStart(6)} ${'prec'.padStart(6)} ${'recall'.padStart(6)} ${'ms med'.padStart(7)} ${'ms p95'.padStart(7)} ${'pages/s'.padStart(8)} ${'threads'.padStart(7)} ${'peak RSS'.padStart(9)}`,
  );
  for (const r of rows) {
    console.log(
      `${LABEL[r.which].padEnd(34)} ${f(r.quality.f1).padStart(6)} ${f(r.quality.precision).padStart(6)} ${f(r.quality.recall).padStart(6)} ` +
        `${f(r.msMedian, 1).padStart(7)} ${f(r.msP95, 1).padStart(7)} ${(r.sys ? f(r.sys.pagesPerSec, 1) : '-').padStart(8)} ` +
        `${String(r.sys?.threads ?? '-').padStart(7)} ${(r.sys ? `${f(r.sys.maxRssMiB, 0)} MiB` : '-').padStart(9)}`,
    );
  }
  const base = rows.find((r) => r.which === 'baseline')!;
  for (const r of rows.filter((x) => x.which !== 'baseline')) {
    const ratios = r.medians.map((m, i) => m / base.medians[i]);
    console.log(
      `${LABEL[r.which]}: median ms/page = ${f(median(ratios), 3)} × the baseline's (per round: ${ratios.map((x) => f(x, 3)).join(', ')}; target ≤ 0.250)`,
    );
  }
  console.log(
    'pages/s: all pages through the extraction thread pool (baseline: one thread); peak RSS: that child process, threads included.',
  );
}

if (process.argv[2] === '--child') {
  child(process.argv[3] as Which).catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
