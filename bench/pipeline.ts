/**
 * `npm run bench`: the whole pipeline on a scaled-up demo corpus served on
 * loopback, as real worker processes on a private redis-server.
 *
 * Phases, all in one run on the same machine:
 *  1. Stages alone (bench/stages-alone.ts, a child process): narrow, as issue
 *     #8 words it: extract (the same thread pool the pipeline uses), tag and
 *     merge (in-memory clusterer + briefing) in a loop over the same pages, no
 *     queues, no Redis, no HTTP; and full: the same plus every feed page
 *     parsed, every page fetched over loopback HTTP and the two events built
 *     per article. Articles/s and CPU per article for both.
 *  2. Peak: every article released at once; one worker process per stage (so
 *     CPU is attributed per stage). Articles/s from the first feed poll to the
 *     last story event; CPU per article per process and for Redis; Redis
 *     memory per article; peak RSS per process.
 *  3. Half load: a fresh prefix and origin releasing articles at 50% of the
 *     peak rate; p50/p99 latency per article from fetched to published.
 *
 * Flags: --articles N (default 2046), --layout per-stage|single|two
 * (processes in phase 2 and 3), --skip-paced, --skip-alone, --json FILE,
 * --cool-down S (idle seconds between phases, default 20), --rate N (only the paced phase, at N articles/s), --cpu-prof DIR (a V8 profile per worker process of phase 2, for
 * `node --cpu-prof` analysis in Chrome DevTools or speedscope).
 * The stages-alone / pipeline ratios are the queue overhead figure of issue #8:
 * narrow as the issue defines it, full with the same work on both sides.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startLoadOrigin } from '../src/load/origin';
import { startLoadRun, type WorkerProcessSpec } from '../src/load/harness';
import { startRedisServer } from '../src/util/redis-server';
import { STAGES } from '../src/types';
import { QUEUE_NAMES, jobIdFor } from '../queues';
import { redisCommandCosts, redisCpuMs, redisUsedMemory } from './redis-info';

interface Flags {
  articles: number;
  layout: 'per-stage' | 'single' | 'two';
  paced: boolean;
  alone: boolean;
  json?: string;
  /** Idle seconds between phases (default 20). */
  coolDownSec: number;
  /** Only the paced phase, at this rate (articles/s): for latency work. */
  rate?: number;
  /** Write a V8 CPU profile of every worker process into this directory (phase 2 only). */
  cpuProf?: string;
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { articles: 2046, layout: 'per-stage', paced: true, alone: true, coolDownSec: 20 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--articles') f.articles = Number(argv[++i]);
    else if (a === '--layout') f.layout = argv[++i] as Flags['layout'];
    else if (a === '--skip-paced') f.paced = false;
    else if (a === '--skip-alone') f.alone = false;
    else if (a === '--rate') f.rate = Number(argv[++i]);
    else if (a === '--cool-down') f.coolDownSec = Number(argv[++i]);
    else if (a === '--json') f.json = argv[++i];
    else if (a === '--cpu-prof') f.cpuProf = argv[++i];
    else throw new Error(`unknown flag ${a}`);
  }
  if (!(f.articles > 0)) throw new Error('--articles needs a positive number');
  if (!['per-stage', 'single', 'two'].includes(f.layout)) throw new Error('--layout per-stage|single|two');
  return f;
}

function layoutProcesses(layout: Flags['layout'], cpuProf?: string): WorkerProcessSpec[] {
  const specs: WorkerProcessSpec[] =
    layout === 'single'
      ? [{ name: 'all', stages: [...STAGES] }]
      : layout === 'two'
        ? [
            { name: 'all-1', stages: [...STAGES] },
            { name: 'all-2', stages: [...STAGES] },
          ]
        : STAGES.map((s) => ({ name: s, stages: [s] }));
  if (!cpuProf) return specs;
  return specs.map((s) => ({ ...s, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', cpuProf, '--cpu-prof-name', `${s.name}.cpuprofile`] }));
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface AloneResult {
  mode: 'narrow' | 'full';
  articles: number;
  wallMs: number;
  perSecond: number;
  cpuMsPerArticle: number;
  msPerArticle: Record<string, number>;
  stories: number;
  events: number;
}

/**
 * Phase 1: the stages alone (bench/stages-alone.ts) in a child process, so its CPU is its own.
 * Narrow: extract, tag, merge + briefing over pages in memory. Full: also the feeds parsed, the pages
 * fetched over loopback HTTP (the origin runs here, as for the pipeline) and the events built.
 */
async function stagesAlone(articles: number, mode: 'narrow' | 'full'): Promise<AloneResult> {
  const origin = mode === 'full' ? await startLoadOrigin({ articles, itemsPerFeed: 100 }) : undefined;
  try {
    const args = [path.join(__dirname, 'stages-alone.js'), '--articles', String(articles)];
    if (origin) args.push('--origin', origin.baseUrl, '--feeds', JSON.stringify(origin.feeds.map((f) => f.url)));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`stages-alone (${mode}) exited with ${code}`);
    return JSON.parse(out.trim().split('\n').at(-1)!) as AloneResult;
  } finally {
    await origin?.close();
  }
}

/**
 * Where the slowest articles spent their time: for each stage after fetch, the median over `ids` of the
 * job's wait (added → started) and processing (started → finished), from the job hashes BullMQ keeps.
 */
async function stageBreakdown(redis: Redis, prefix: string, ids: string[]): Promise<Record<string, { waitMs: number; runMs: number }>> {
  const out: Record<string, { waitMs: number; runMs: number }> = {};
  for (const stage of ['extract', 'tag', 'merge', 'publish'] as const) {
    const pipe = redis.pipeline();
    for (const id of ids) pipe.hmget(`${prefix}:${QUEUE_NAMES[stage]}:${jobIdFor(stage, id)}`, 'timestamp', 'processedOn', 'finishedOn');
    const rows = ((await pipe.exec()) ?? []).map(([, v]) => (v as Array<string | null>).map(Number));
    const waits = rows.filter((r) => r[0] && r[1]).map((r) => r[1] - r[0]);
    const runs = rows.filter((r) => r[1] && r[2]).map((r) => r[2] - r[1]);
    const med = (xs: number[]) =>
      quantile(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    out[stage] = { waitMs: med(waits), runMs: med(runs) };
  }
  return out;
}

/** Phases 2 and 3: the pipeline as worker processes. */
async function pipeline(flags: Flags, redisUrl: string, prefix: string, releasePerSecond?: number) {
  // Held: the workers start (and finish starting up) before the first article exists.
  const origin = await startLoadOrigin({ articles: flags.articles, releasePerSecond, itemsPerFeed: 100, held: true });
  const redis = new Redis(redisUrl);
  const mem0 = await redisUsedMemory(redis);
  const run = await startLoadRun({
    redisUrl,
    prefix,
    origin,
    processes: layoutProcesses(flags.layout, releasePerSecond ? undefined : flags.cpuProf),
    pollIntervalMs: 1000,
    // Paced: keep every completed job, so the latency of the slowest articles can be split by stage afterwards.
    env: releasePerSecond ? { STORYLINE_KEEP_COMPLETED: String(flags.articles * 2) } : undefined,
  });
  let settled;
  let cpuRedis0 = 0;
  try {
    await run.waitIdle();
    run.markBaseline();
    cpuRedis0 = await redisCpuMs(redis);
    // Command statistics cover the run only (the start-up's BullMQ script loads and polls are not counted).
    await redis.config('RESETSTAT');
    origin.release();
    settled = await run.settle({ timeoutMs: 900_000, pollMs: 500 });
  } finally {
    await run.close().catch(() => undefined);
  }
  const cpuRedis = (await redisCpuMs(redis)) - cpuRedis0;
  const commands = await redisCommandCosts(redis);
  const usage = run.usage();
  const counts: Record<string, number> = {};
  for (const o of settled.outcomes.values()) counts[o] = (counts[o] ?? 0) + 1;
  const published = counts.published ?? 0;

  // First poll: the first item seen. Last story event: the stream's last entry.
  const firstSeen = await redis.zrange(run.keys.auditSeen, '0', '0', 'WITHSCORES');
  const streamKey = run.keys.events('events');
  const last = await redis.xrevrange(streamKey, '+', '-', 'COUNT', '1');
  const startMs = Number(firstSeen[1]);
  const endMs = Number(last[0]?.[0].split('-')[0]);
  // Latency fetched → published: the article's fetch time and its article.enriched stream entry.
  const latencies: number[] = [];
  const ids = [...settled.outcomes.keys()];
  const fetchedAt = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const raws = await redis.mget(...chunk.map((id) => run.keys.article(id)));
    raws.forEach((raw, j) => {
      if (!raw) return;
      const a = JSON.parse(raw) as { fetch?: { fetchedAt?: string } };
      if (a.fetch?.fetchedAt) fetchedAt.set(chunk[j], Date.parse(a.fetch.fetchedAt));
    });
  }
  let cursor = '-';
  let storyEvents = 0;
  const latencyOf = new Map<string, number>();
  for (;;) {
    const entries = await redis.xrange(streamKey, cursor, '+', 'COUNT', '1000');
    for (const [id, fields] of entries) {
      const type = fields[fields.indexOf('type') + 1];
      if (type.startsWith('story.')) storyEvents++;
      if (!type.startsWith('article.enriched')) continue;
      const event = JSON.parse(fields[fields.indexOf('event') + 1]) as { subject?: string };
      const f = event.subject ? fetchedAt.get(event.subject) : undefined;
      if (f !== undefined) {
        latencies.push(Number(id.split('-')[0]) - f);
        latencyOf.set(event.subject!, Number(id.split('-')[0]) - f);
      }
    }
    if (entries.length < 1000) break;
    cursor = '(' + entries[entries.length - 1][0];
  }
  const slowest = [...latencyOf].sort((a, b) => b[1] - a[1]).slice(0, Math.max(1, Math.ceil(latencyOf.size / 100)));
  const breakdown = releasePerSecond
    ? await stageBreakdown(
        redis,
        prefix,
        slowest.map(([id]) => id),
      )
    : undefined;
  // Arrival shape: how many articles finished fetching in each second (bursts from feed polls make the tail).
  const perSecond = new Map<number, number>();
  for (const t of fetchedAt.values()) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  const burstCounts = [...perSecond.values()].sort((a, b) => a - b);
  const fetchedPerSecond = { p50: quantile(burstCounts, 0.5), p99: quantile(burstCounts, 0.99), max: burstCounts.at(-1) ?? 0 };
  latencies.sort((a, b) => a - b);
  // Latency by when the article was fetched: the run's first 10 s against the rest (start-up shows here).
  const firstFetch = Math.min(...fetchedAt.values());
  const early: number[] = [];
  const later: number[] = [];
  for (const [id, l] of latencyOf) ((fetchedAt.get(id) ?? firstFetch) - firstFetch < 10_000 ? early : later).push(l);
  early.sort((a, b) => a - b);
  // The slowest article fetched in each of the run's first 15 seconds, and how many were fetched then.
  const firstSeconds = Array.from({ length: 15 }, () => ({ fetched: 0, maxMs: 0 }));
  for (const [id, l] of latencyOf) {
    const s = Math.floor(((fetchedAt.get(id) ?? firstFetch) - firstFetch) / 1000);
    if (s < firstSeconds.length) {
      firstSeconds[s].fetched++;
      firstSeconds[s].maxMs = Math.max(firstSeconds[s].maxMs, l);
    }
  }
  later.sort((a, b) => a - b);
  const mem = (await redisUsedMemory(redis)) - mem0;
  const workerCpu = Object.values(usage).reduce((s, u) => s + u.cpuMs, 0);
  redis.disconnect();
  await origin.close();
  return {
    articles: origin.articles.length,
    published,
    outcomes: counts,
    missing: settled.missing.length,
    wallMs: endMs - startMs,
    perSecond: (published / (endMs - startMs)) * 1000,
    latency: { n: latencies.length, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1) },
    /** p99 of the articles fetched in the run's first 10 s, and of the others. */
    latencyP99ByPhase: { first10s: quantile(early, 0.99), after: quantile(later, 0.99) },
    /** Per second of the first 15 s (by fetch time): articles fetched and the slowest one's latency (ms). */
    firstSeconds,
    /** The slowest 1% of articles: median wait and processing per stage (ms), from their BullMQ jobs. */
    slowestBreakdown: breakdown,
    /** Articles fetched per wall-clock second: p50, p99 and max over the run's seconds. */
    fetchedPerSecond,
    cpuMsPerArticle: {
      ...Object.fromEntries(Object.entries(usage).map(([n, u]) => [n, u.cpuMs / published])),
      redis: cpuRedis / published,
      total: (workerCpu + cpuRedis) / published,
    },
    peakRssMiB: Object.fromEntries(Object.entries(usage).map(([n, u]) => [n, Math.round(u.peakRssBytes / 2 ** 20)])),
    redisBytesPerArticle: mem / published,
    /** Server time and calls per published article of the costliest commands (EVALSHA: BullMQ's and ours). */
    redisCommands: commands
      .slice(0, 8)
      .map((c) => ({ command: c.command, callsPerArticle: c.calls / published, usPerArticle: c.usec / published })),
    storyEvents,
  };
}

const f1 = (n: number) => n.toFixed(1);

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const server = await startRedisServer();
  try {
    process.stdout.write(
      `Storyline whole-pipeline bench: ${flags.articles}+ articles, layout ${flags.layout}, ${os.cpus().length} cores\n`,
    );
    const describe = (a: AloneResult) =>
      `stages alone (${a.mode}): ${a.articles} articles in ${f1(a.wallMs)} ms = ${f1(a.perSecond)}/s; CPU ${f1(a.cpuMsPerArticle)} ms/article (main thread: ${Object.entries(
        a.msPerArticle,
      )
        .filter(([, v]) => v > 0)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')}); ${a.stories} stories (${a.events} events)\n`;
    // Each phase starts from an idle machine: on this VM a phase run right after another is measurably
    // slower (by up to a fifth), which would bias the ratio towards whichever phase runs first.
    const coolDown = () => new Promise((r) => setTimeout(r, flags.coolDownSec * 1000));
    const alone = flags.alone && !flags.rate ? await stagesAlone(flags.articles, 'narrow') : undefined;
    if (alone) process.stdout.write(describe(alone));
    if (alone) await coolDown();
    const aloneFull = flags.alone && !flags.rate ? await stagesAlone(flags.articles, 'full') : undefined;
    if (aloneFull) await coolDown();
    if (aloneFull) process.stdout.write(describe(aloneFull));
    const peak = flags.rate ? undefined : await pipeline(flags, server.url, 'bench-peak');
    if (peak)
      process.stdout.write(
        `pipeline, peak: ${peak.published}/${peak.articles} published in ${f1(peak.wallMs)} ms = ${f1(peak.perSecond)}/s (first poll → last story event)\n` +
          `  CPU ms/article: ${Object.entries(peak.cpuMsPerArticle)
            .map(([k, v]) => `${k} ${v.toFixed(2)}`)
            .join(', ')}\n` +
          `  peak RSS MiB: ${Object.entries(peak.peakRssMiB)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}\n` +
          `  Redis memory: ${f1(peak.redisBytesPerArticle / 1024)} KiB/article; outcomes ${JSON.stringify(peak.outcomes)}\n` +
          `  Redis commands per article (calls, µs): ${peak.redisCommands
            .map((c) => `${c.command} ${c.callsPerArticle.toFixed(1)}/${c.usPerArticle.toFixed(0)}`)
            .join(', ')}\n` +
          [alone, aloneFull]
            .filter((a): a is AloneResult => !!a)
            .map(
              (a) =>
                `  ratio pipeline/stages-alone (${a.mode}): throughput ${(peak.perSecond / a.perSecond).toFixed(3)}, CPU per article ${(a.cpuMsPerArticle / peak.cpuMsPerArticle.total).toFixed(3)}\n`,
            )
            .join(''),
      );
    let paced;
    if (flags.paced) {
      const rate = flags.rate ?? Math.max(1, Math.floor(peak!.perSecond / 2));
      if (peak) await coolDown();
      paced = await pipeline(flags, server.url, 'bench-half', rate);
      process.stdout.write(
        `pipeline at 50% load (${rate} articles/s released): ${paced.published} published; fetched → published p50 ${paced.latency.p50} ms, p99 ${paced.latency.p99} ms, max ${paced.latency.max} ms\n` +
          `  p99 of articles fetched in the first 10 s: ${paced.latencyP99ByPhase.first10s} ms; after: ${paced.latencyP99ByPhase.after} ms\n` +
          `  first 15 s by second, fetched/slowest ms: ${paced.firstSeconds.map((x) => `${x.fetched}/${x.maxMs}`).join(' ')}\n` +
          `  articles fetched per second: p50 ${paced.fetchedPerSecond.p50}, p99 ${paced.fetchedPerSecond.p99}, max ${paced.fetchedPerSecond.max}\n` +
          `  slowest 1%, median ms waiting/running per stage: ${Object.entries(paced.slowestBreakdown ?? {})
            .map(([k, v]) => `${k} ${v.waitMs}/${v.runMs}`)
            .join(', ')}\n`,
      );
    }
    if (flags.json) writeFileSync(flags.json, JSON.stringify({ flags, alone, aloneFull, peak, paced }, null, 2));
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
