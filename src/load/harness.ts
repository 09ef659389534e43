/**
 * Runs the real pipeline against a load origin (./origin) as real worker
 * processes (`storyline worker --stages …`, from the compiled build), the way
 * ops run it, so a run can kill, restart and measure them:
 *
 * - `kill(name)` sends SIGKILL (or another signal) and waits for the exit;
 *   `restart(name)` starts the same process again;
 * - `settle()` waits until every article the origin serves has an outcome in
 *   the audit (src/audit) and no item stage has work left;
 * - `usage()` gives each process's CPU time and peak RSS from /proc, summed
 *   over restarts (Linux only; undefined elsewhere).
 *
 * Used by the fault suite (test/faults) and the whole-pipeline benchmark
 * (bench/pipeline.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { articleIdFor, canonicalizeUrl } from '../feeds/canonical-url';
import { keyspace } from '../store/keys';
import { STAGES, type StageName } from '../types';
import { connectionOptions, QUEUE_NAMES } from '../../queues';
import type { LoadOrigin } from './origin';

/**
 * The compiled CLI: the same file from src/load (ts-jest: two levels below
 * the package root) and dist/src/load (three levels).
 */
export const CLI_PATH = path.resolve(
  __dirname,
  path.basename(path.resolve(__dirname, '../..')) === 'dist' ? '../../..' : '../..',
  'dist/src/cli.js',
);

const ITEM_STAGES = STAGES.filter((s) => s !== 'feeds');
const CLK_TCK = 100; // USER_HZ on Linux

export interface WorkerProcessSpec {
  name: string;
  stages: StageName[];
  /** Extra environment for this process only. */
  env?: NodeJS.ProcessEnv;
  /** Extra node flags (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

export interface LoadRunOptions {
  redisUrl: string;
  prefix: string;
  origin: LoadOrigin;
  processes: WorkerProcessSpec[];
  /** Extra environment for every worker process (timeouts, attempts, concurrency …). */
  env?: NodeJS.ProcessEnv;
  /** Feed poll interval (default 2 s: re-polls are part of every run). */
  pollIntervalMs?: number;
  /** Worker stdout/stderr go to files here (default: a temp dir, removed on close unless keepLogs). */
  logDir?: string;
  keepLogs?: boolean;
}

export interface ProcessUsage {
  cpuMs: number;
  peakRssBytes: number;
  /** RSS at the last sample (0 when not running). */
  currentRssBytes: number;
  starts: number;
}

export interface Settlement {
  /** article id → audit outcome, for every article the origin serves. */
  outcomes: Map<string, string>;
  /** Article ids the origin served that have no outcome. */
  missing: string[];
  settledAt: number;
}

export interface LoadRun {
  readonly redis: Redis;
  readonly keys: ReturnType<typeof keyspace>;
  readonly logDir: string;
  articleIdOf(url: string): string;
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  restart(name: string): void;
  running(name: string): boolean;
  /** By default every article the origin serves; `articles` narrows it (e.g. those released before a freeze). */
  settle(opts?: { timeoutMs?: number; pollMs?: number; articles?: Array<{ url: string }> }): Promise<Settlement>;
  /** From now on usage() counts CPU from here (start-up and idle time before are left out). */
  markBaseline(): void;
  /** Waits until every worker process has finished starting up (its CPU stays still for a second). */
  waitIdle(opts?: { timeoutMs?: number; quietMsPerSecond?: number }): Promise<void>;
  usage(): Record<string, ProcessUsage>;
  pendingJobs(): Promise<number>;
  /** SIGTERM every worker (graceful), wait for them, close connections. */
  close(): Promise<void>;
}

/** utime + stime of a live process, in ms (Linux /proc). */
function cpuMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Peak (VmHWM) and current (VmRSS) resident set of a live process, in bytes. */
function rssOf(pid: number): { peak: number; current: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    return { peak: kb('VmHWM'), current: kb('VmRSS') };
  } catch {
    return undefined;
  }
}

export async function startLoadRun(opts: LoadRunOptions): Promise<LoadRun> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'storyline-load-'));
  const logDir = opts.logDir ?? tmp;
  const feedsFile = path.join(tmp, 'feeds.json');
  writeFileSync(feedsFile, JSON.stringify(opts.origin.feeds));
  const baseEnv: NodeJS.ProcessEnv = {
    // Settings in the caller's environment reach the workers (e.g. STORYLINE_CONCURRENCY_EXTRACT=4 npm run bench);
    // what the run itself needs below wins over them.
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('STORYLINE_'))),
    // Node's own settings too (heap and GC flags: NODE_OPTIONS=--max-semi-space-size=… npm run bench).
    ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
    PATH: process.env.PATH,
    // Workers stop when this process is gone (killed bench or test run): no orphans.
    STORYLINE_EXIT_WITH_PARENT: String(process.pid),
    REDIS_URL: opts.redisUrl,
    STORYLINE_PREFIX: opts.prefix,
    STORYLINE_FEEDS_FILE: feedsFile,
    // The origin is on loopback: opt in explicitly, the SSRF guard refuses it otherwise.
    STORYLINE_FETCH_ALLOW_CIDRS: '127.0.0.0/8',
    // Every outlet is the same loopback host: per-host politeness would be the only bottleneck.
    STORYLINE_HOST_SPACING_MS: '0',
    STORYLINE_HOST_CONCURRENCY: '64',
    STORYLINE_POLL_INTERVAL_MS: String(opts.pollIntervalMs ?? 2_000),
    LOG_LEVEL: 'warn',
    ...opts.env,
  };
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (t) => Math.min(50 * t, 1000) });
  redis.on('error', () => undefined); // a Redis restart is part of some runs; commands wait for the reconnect
  const keys = keyspace(opts.prefix);
  const queues = ITEM_STAGES.map((s) => new Queue(QUEUE_NAMES[s], { connection: connectionOptions(opts.redisUrl), prefix: opts.prefix }));
  for (const q of queues) q.on('error', () => undefined);

  const specs = new Map(opts.processes.map((p) => [p.name, p]));
  const children = new Map<string, ChildProcess>();
  const usage: Record<string, ProcessUsage> = {};
  /** CPU of processes that exited (their last sample), per name. */
  const lastSample = new Map<number, { name: string; cpuMs: number }>();
  /** CPU at the baseline mark, per pid. */
  const baseline = new Map<number, number>();

  function sample() {
    for (const [name, child] of children) {
      if (!child.pid || child.exitCode !== null || child.signalCode !== null) continue;
      const cpu = cpuMsOf(child.pid);
      const rss = rssOf(child.pid);
      if (cpu !== undefined) lastSample.set(child.pid, { name, cpuMs: cpu });
      if (rss !== undefined) {
        usage[name].peakRssBytes = Math.max(usage[name].peakRssBytes, rss.peak);
        usage[name].currentRssBytes = rss.current;
      }
    }
  }
  const sampler = setInterval(sample, 250);
  sampler.unref();

  function start(name: string) {
    const spec = specs.get(name);
    if (!spec) throw new Error(`no worker process named ${name}`);
    const out = openSync(path.join(logDir, `${name}.log`), 'a');
    const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), CLI_PATH, 'worker', '--stages', spec.stages.join(',')], {
      env: { ...baseEnv, ...spec.env },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    children.set(name, child);
    usage[name] ??= { cpuMs: 0, peakRssBytes: 0, currentRssBytes: 0, starts: 0 };
    usage[name].starts++;
  }
  for (const p of opts.processes) start(p.name);

  const articleIdOf = (url: string) => articleIdFor(canonicalizeUrl(url));
  const allIds = opts.origin.articles.map((a) => articleIdOf(a.url));

  async function pendingJobs(): Promise<number> {
    let n = 0;
    for (const q of queues) {
      const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      n += Object.values(c).reduce((a, b) => a + b, 0);
    }
    return n;
  }

  async function exitOf(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
  }

  return {
    redis,
    keys,
    logDir,
    articleIdOf,
    async kill(name, signal = 'SIGKILL') {
      const child = children.get(name);
      if (!child) throw new Error(`no worker process named ${name}`);
      sample();
      child.kill(signal);
      await exitOf(child);
    },
    restart(name) {
      const child = children.get(name);
      if (child && child.exitCode === null && child.signalCode === null) throw new Error(`${name} is still running`);
      start(name);
    },
    running(name) {
      const child = children.get(name);
      return !!child && child.exitCode === null && child.signalCode === null;
    },
    async settle({ timeoutMs = 300_000, pollMs = 250, articles } = {}) {
      const deadline = Date.now() + timeoutMs;
      const expectedIds = articles ? articles.map((a) => articleIdOf(a.url)) : allIds;
      let quiet = 0;
      for (;;) {
        const outs: Array<string | null> = [];
        for (let i = 0; i < expectedIds.length; i += 1000) {
          outs.push(...(await redis.hmget(keys.auditOutcome, ...expectedIds.slice(i, i + 1000))));
        }
        const missing = expectedIds.filter((_, i) => outs[i] == null);
        const pending = missing.length ? -1 : await pendingJobs();
        // Twice in a row: a job may be between two stages for a moment.
        quiet = missing.length === 0 && pending === 0 ? quiet + 1 : 0;
        if (quiet >= 2) {
          return {
            outcomes: new Map(expectedIds.map((id, i) => [id, outs[i] as string])),
            missing: [],
            settledAt: Date.now(),
          };
        }
        if (Date.now() > deadline) {
          return { outcomes: new Map(expectedIds.flatMap((id, i) => (outs[i] ? [[id, outs[i] as string]] : []))), missing, settledAt: NaN };
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async waitIdle({ timeoutMs = 60_000, quietMsPerSecond = 30 } = {}) {
      const deadline = Date.now() + timeoutMs;
      const cpuOf = () => [...children.values()].map((c) => (c.pid ? (cpuMsOf(c.pid) ?? 0) : 0));
      let before = cpuOf();
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        const now = cpuOf();
        if (now.every((v, i) => v - (before[i] ?? 0) <= quietMsPerSecond) || Date.now() > deadline) return;
        before = now;
      }
    },
    markBaseline() {
      sample();
      for (const [pid, s] of lastSample) baseline.set(pid, s.cpuMs);
    },
    usage() {
      sample();
      const out: Record<string, ProcessUsage> = {};
      for (const name of Object.keys(usage)) out[name] = { ...usage[name], cpuMs: 0 };
      for (const [pid, { name, cpuMs }] of lastSample) out[name].cpuMs += cpuMs - (baseline.get(pid) ?? 0);
      return out;
    },
    pendingJobs,
    async close() {
      clearInterval(sampler);
      sample();
      await Promise.all(
        [...children.values()].map(async (c) => {
          if (c.exitCode !== null || c.signalCode !== null) return;
          const timer = setTimeout(() => c.kill('SIGKILL'), 15_000);
          c.kill('SIGTERM');
          await exitOf(c);
          clearTimeout(timer);
        }),
      );
      await Promise.all(queues.map((q) => q.close()));
      redis.disconnect();
      // tmp holds the feeds file, and the logs unless they went to opts.logDir.
      if (opts.logDir || !opts.keepLogs) rmSync(tmp, { recursive: true, force: true });
      else rmSync(feedsFile, { force: true });
    },
  };
}
