/**
 * Runs parseFeed over every document of a feed corpus (default: the dev corpus
 * in ../shared/corpus/feeds-dev) and reports how many parse, fail cleanly
 * (FeedParseError), crash (any other error, or a dead worker) or hang (no
 * answer within the per-document timeout).
 *
 * Each document is parsed in a worker thread; a hang is detected by the
 * timeout, and that worker is terminated and replaced, so one bad document
 * cannot stall or poison the rest.
 *
 *   npm run bench:feeds-corpus [-- DIR] [--timeout MS] [--json FILE] [--verbose]
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

type Outcome = 'parsed' | 'failed' | 'crashed' | 'hung';
interface Answer {
  outcome: 'parsed' | 'failed' | 'crashed';
  items?: number;
  format?: string;
  message?: string;
}

function inputs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...inputs(full));
    else if (!name.endsWith('.expected.json') && !/\.(md|go|js|ts)$/i.test(name)) out.push(full);
  }
  return out;
}

class Runner {
  private worker!: Worker;
  private pending?: { resolve: (a: Answer | 'hung' | 'died') => void; timer: NodeJS.Timeout };

  constructor(private readonly timeoutMs: number) {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new Worker(__filename, { resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    this.worker.on('message', (a: Answer) => this.settle(a));
    this.worker.on('error', () => this.settle('died'));
    this.worker.on('exit', () => this.settle('died'));
  }

  private settle(a: Answer | 'hung' | 'died'): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve(a);
  }

  async run(file: string): Promise<Answer | 'hung' | 'died'> {
    const answer = await new Promise<Answer | 'hung' | 'died'>((resolve) => {
      const timer = setTimeout(() => this.settle('hung'), this.timeoutMs);
      this.pending = { resolve, timer };
      this.worker.postMessage(file);
    });
    if (answer === 'hung' || answer === 'died') {
      this.worker.removeAllListeners();
      await this.worker.terminate();
      this.spawn();
    }
    return answer;
  }

  close(): Promise<number> {
    this.worker.removeAllListeners();
    return this.worker.terminate();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i === -1 ? undefined : args.splice(i, 2)[1];
  };
  const timeoutMs = Number(flag('--timeout') ?? 10_000);
  const jsonOut = flag('--json');
  const verbose = args.includes('--verbose');
  const dir = path.resolve(args.find((a) => !a.startsWith('--')) ?? path.join(__dirname, '../../../shared/corpus/feeds-dev'));
  if (!existsSync(dir)) {
    process.stderr.write(`corpus not found: ${dir} (pass a directory)\n`);
    process.exit(2);
  }
  const files = inputs(dir);
  const counts: Record<Outcome, number> = { parsed: 0, failed: 0, crashed: 0, hung: 0 };
  const details: Array<{ file: string; outcome: Outcome; items?: number; format?: string; message?: string; ms: number }> = [];
  const runner = new Runner(timeoutMs);
  const started = performance.now();
  for (const file of files) {
    const t0 = performance.now();
    const answer = await runner.run(file);
    const ms = Math.round(performance.now() - t0);
    const rel = path.relative(dir, file);
    const outcome: Outcome = answer === 'hung' ? 'hung' : answer === 'died' ? 'crashed' : answer.outcome;
    counts[outcome]++;
    const detail = typeof answer === 'string' ? { file: rel, outcome, ms } : { file: rel, ms, ...answer, outcome };
    details.push(detail);
    if (outcome === 'crashed' || outcome === 'hung' || (verbose && outcome === 'failed')) {
      process.stdout.write(`${outcome.toUpperCase()}\t${rel}\t${(detail as { message?: string }).message?.split('\n')[0] ?? ''}\n`);
    }
  }
  await runner.close();
  const slowest = [...details].sort((a, b) => b.ms - a.ms).slice(0, 3);
  process.stdout.write(
    `corpus ${dir}\n` +
      `documents ${files.length}: parsed ${counts.parsed}, failed cleanly ${counts.failed}, crashed ${counts.crashed}, hung ${counts.hung} ` +
      `(timeout ${timeoutMs} ms per document)\n` +
      `total ${Math.round(performance.now() - started)} ms; slowest: ${slowest.map((d) => `${d.file} ${d.ms} ms`).join(', ')}\n`,
  );
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ dir, counts, details }, null, 2));
  process.exit(counts.crashed + counts.hung > 0 ? 1 : 0);
}

if (!isMainThread) {
  // Worker: parse each document it is sent.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseFeed, FeedParseError } = require('../src/feeds/parse') as typeof import('../src/feeds/parse');
  parentPort!.on('message', async (file: string) => {
    let answer: Answer;
    try {
      const feed = await parseFeed(readFileSync(file), { url: 'https://corpus.example/feed' });
      answer = { outcome: 'parsed', items: feed.items.length, format: feed.format };
    } catch (err) {
      answer =
        err instanceof FeedParseError
          ? { outcome: 'failed', message: err.message }
          : { outcome: 'crashed', message: String((err as Error)?.stack ?? err) };
    }
    parentPort!.postMessage(answer);
  });
} else {
  void main();
}
