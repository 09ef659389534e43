/**
 * `npm run bench:soak`: a paced run (default 10 minutes) in which worker and
 * Redis memory must stay flat. Articles arrive at a steady rate from the load
 * origin; retention is shortened so that records, HTML, the event stream and
 * job history reach their steady state within the run (production keeps them
 * for days, and is flat at that horizon for the same reasons).
 *
 * Every `--sample-s` seconds it records Redis used_memory, its key count and
 * each worker's RSS; at the end it prints the least-squares slope of each
 * over the second half of the run (after the warm-up fills the windows),
 * plus the keys that grew the most by pattern, to find what is unbounded.
 *
 * Flags: --minutes M (10), --rate R articles/s (8), --sample-s S (10),
 * --layout single|per-stage (single), --json FILE.
 */
import { writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startLoadOrigin } from '../src/load/origin';
import { startLoadRun, type WorkerProcessSpec } from '../src/load/harness';
import { startRedisServer } from '../src/util/redis-server';
import { STAGES } from '../src/types';
import { redisUsedMemory } from './redis-info';

interface Flags {
  minutes: number;
  rate: number;
  sampleS: number;
  layout: 'single' | 'per-stage';
  json?: string;
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { minutes: 10, rate: 8, sampleS: 10, layout: 'single' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (a === '--minutes') f.minutes = Number(v);
    else if (a === '--rate') f.rate = Number(v);
    else if (a === '--sample-s') f.sampleS = Number(v);
    else if (a === '--layout') f.layout = v as Flags['layout'];
    else if (a === '--json') f.json = v;
    else throw new Error(`unknown flag ${a}`);
  }
  return f;
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den ? num / den : NaN;
}

/** `soak:story:s1a2…:versions` → `soak:story:*:versions`; index keys named by a term or entity collapse too. */
const familyOf = (key: string) => {
  const parts = key.split(':').map((part, i) => (i > 0 && (/\d/.test(part) || part.length > 24) ? '*' : part));
  const indexAt = parts.findIndex((p, i) => i > 0 && (p === 'idx' || p === 'entity' || p === 'source'));
  return (indexAt > 0 ? [...parts.slice(0, indexAt + (parts[indexAt] === 'idx' ? 2 : 1)), '*'] : parts).join(':');
};

/**
 * Key counts by family (see familyOf), over the whole keyspace; with
 * `withoutTtl`, only keys that never expire (TTL -1): what a long run would
 * accumulate unless something else bounds it.
 */
async function keyFamilies(redis: Redis, opts: { withoutTtl?: boolean } = {}): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    let counted = keys;
    if (opts.withoutTtl) {
      const pipe = redis.pipeline();
      for (const k of keys) pipe.ttl(k);
      const ttls = (await pipe.exec()) ?? [];
      counted = keys.filter((_, i) => ttls[i]?.[1] === -1);
    }
    for (const k of counted) {
      const family = familyOf(k);
      out.set(family, (out.get(family) ?? 0) + 1);
    }
  } while (cursor !== '0');
  return out;
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const durationMs = flags.minutes * 60_000;
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const articles = Math.ceil((durationMs / 1000) * flags.rate * 1.05);
  const origin = await startLoadOrigin({ articles, releasePerSecond: flags.rate, itemsPerFeed: 100, held: true });
  const processes: WorkerProcessSpec[] =
    flags.layout === 'single' ? [{ name: 'all', stages: [...STAGES] }] : STAGES.map((s) => ({ name: s, stages: [s] }));
  // Short retention so every window fills within the run (see the header).
  const ttl = Math.max(60, Math.round(durationMs / 1000 / 5));
  const run = await startLoadRun({
    redisUrl: server.url,
    prefix: 'soak',
    origin,
    processes,
    pollIntervalMs: 1000,
    env: {
      STORYLINE_RECORD_TTL_SEC: String(ttl),
      STORYLINE_HTML_TTL_SEC: String(Math.max(30, Math.round(ttl / 2))),
      STORYLINE_STREAM_MAXLEN: '2000',
      STORYLINE_KEEP_COMPLETED: '200',
      STORYLINE_KEEP_FAILED: '1000',
    },
  });
  const samples: Array<{ t: number; redisBytes: number; keys: number; rss: Record<string, number>; released: number }> = [];
  process.stdout.write(
    `Storyline soak: ${flags.minutes} min at ${flags.rate} articles/s, layout ${flags.layout}, record TTL ${ttl} s, stream MAXLEN 2000\n`,
  );
  let families0: Map<string, number> | undefined;
  try {
    await run.waitIdle();
    origin.release();
    const t0 = Date.now();
    while (Date.now() - t0 < durationMs) {
      await new Promise((r) => setTimeout(r, flags.sampleS * 1000));
      const redisBytes = await redisUsedMemory(redis);
      const keys = await redis.dbsize();
      const rss: Record<string, number> = {};
      for (const [name, u] of Object.entries(run.usage())) rss[name] = u.currentRssBytes;
      const t = (Date.now() - t0) / 1000;
      samples.push({ t, redisBytes, keys, rss, released: origin.released() });
      if (!families0 && t >= durationMs / 2000) families0 = await keyFamilies(redis);
      process.stdout.write(
        `  t=${t.toFixed(0)}s released ${origin.released()} redis ${(redisBytes / 2 ** 20).toFixed(1)} MiB keys ${keys} rss ${Object.entries(
          rss,
        )
          .map(([n, b]) => `${n} ${(b / 2 ** 20).toFixed(0)} MiB`)
          .join(', ')}\n`,
      );
    }
    // Audit entries live as long as records (the short TTL here): check the articles of the last half TTL.
    const recent = origin.freeze().slice(-Math.floor((flags.rate * ttl) / 2));
    const audit = await run.settle({ timeoutMs: 180_000, articles: recent });
    const secondHalf = samples.filter((s) => s.t >= durationMs / 2000);
    const perMinute = (pts: Array<[number, number]>) => slope(pts) * 60;
    const redisSlope = perMinute(secondHalf.map((s) => [s.t, s.redisBytes]));
    const keySlope = perMinute(secondHalf.map((s) => [s.t, s.keys]));
    const rssSlopes = Object.fromEntries(
      Object.keys(secondHalf[0]?.rss ?? {}).map((n) => [n, perMinute(secondHalf.map((s) => [s.t, s.rss[n]]))]),
    );
    const families1 = await keyFamilies(redis);
    const growth = [...families1]
      .map(([f, n]) => [f, n - (families0?.get(f) ?? 0)] as const)
      .filter(([, d]) => d > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8);
    const counts: Record<string, number> = {};
    for (const o of audit.outcomes.values()) counts[o] = (counts[o] ?? 0) + 1;
    process.stdout.write(
      `second-half slopes: Redis ${(redisSlope / 1024).toFixed(1)} KiB/min (${((redisSlope / (secondHalf.at(-1)?.redisBytes ?? 1)) * 100).toFixed(2)}%/min), keys ${keySlope.toFixed(1)}/min, RSS ${Object.entries(
        rssSlopes,
      )
        .map(([n, s]) => `${n} ${(s / 2 ** 20).toFixed(2)} MiB/min`)
        .join(', ')}\n` +
        `key families that grew in the second half: ${growth.map(([f, d]) => `${f} +${d}`).join(', ') || 'none'}\n` +
        `keys without a TTL, by family: ${[...(await keyFamilies(redis, { withoutTtl: true }))]
          .sort((a, b) => b[1] - a[1])
          .map(([f, n]) => `${f} ${n}`)
          .join(', ')}\n` +
        `outcomes: ${JSON.stringify(counts)}, missing ${audit.missing.length}\n`,
    );
    if (flags.json) writeFileSync(flags.json, JSON.stringify({ flags, samples, redisSlope, keySlope, rssSlopes, growth, counts }, null, 2));
  } finally {
    await run.close().catch(() => undefined);
    await origin.close();
    redis.disconnect();
    await server.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
