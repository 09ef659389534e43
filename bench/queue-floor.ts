/**
 * `npm run bench:queue-floor`: what six chained BullMQ queues cost with no
 * work at all, on this machine: the floor under the whole-pipeline bench's
 * queue overhead (issue #8). Every record passes feeds → fetch → extract → tag
 * → merge → publish; each processor only adds the next job. In one process,
 * burst load (every record queued before the workers start), a private
 * redis-server.
 *
 * Variants:
 *  - bare: BullMQ's defaults (auto job ids, no retention limits, no retries);
 *  - storyline: Storyline's queue, worker and job options (deterministic job
 *    ids, bounded completed/failed history, retries with the stage backoff,
 *    lock and stall settings, merge with global concurrency 1).
 *
 * Flags: --records N (default 2000), --repeat R (default 3; medians printed).
 */
import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../config';
import { connectionOptions, defaultJobOptions, jobIdFor, workerOptions } from '../queues';
import { startRedisServer } from '../src/util/redis-server';
import { STAGES, type StageName } from '../src/types';
import { redisCommandCosts, redisCpuMs } from './redis-info';

type Variant = 'bare' | 'storyline';

interface Flags {
  records: number;
  repeat: number;
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { records: 2000, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--records') f.records = Number(argv[++i]);
    else if (argv[i] === '--repeat') f.repeat = Number(argv[++i]);
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  return f;
}

const cpuMsNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function runOnce(variant: Variant, records: number, redisUrl: string, prefix: string) {
  const cfg = loadConfig((raw) => {
    (raw.redis as Record<string, unknown>).url = redisUrl;
    (raw.redis as Record<string, unknown>).prefix = prefix;
  }, {});
  const connection = connectionOptions(redisUrl);
  const names = STAGES.map((s) => `floor-${s}`);
  const jobOpts = (stage: StageName, id: number): JobsOptions =>
    variant === 'bare' ? {} : { ...defaultJobOptions(cfg), jobId: jobIdFor(stage, `r${id}`) };
  const queues = names.map((name) => new Queue(name, { connection, prefix }));
  if (variant === 'storyline') await queues[STAGES.indexOf('merge')].setGlobalConcurrency(1);
  const redis = new Redis(redisUrl);
  let done = 0;
  let resolveDone!: () => void;
  const finished = new Promise<void>((r) => (resolveDone = r));
  const workers = STAGES.map((stage, i) => {
    const next = queues[i + 1];
    const nextStage = STAGES[i + 1];
    const processor = async (job: Job<{ id: number }>) => {
      if (next) await next.add(nextStage, job.data, jobOpts(nextStage, job.data.id));
      return null;
    };
    const opts =
      variant === 'bare'
        ? { connection, prefix, concurrency: cfg.concurrency[stage], autorun: false }
        : { ...workerOptions(cfg, stage), prefix };
    const w = new Worker(names[i], processor, opts);
    if (!next)
      w.on('completed', () => {
        if (++done === records) resolveDone();
      });
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  await queues[0].addBulk(Array.from({ length: records }, (_, id) => ({ name: 'feeds', data: { id }, opts: jobOpts('feeds', id) })));
  await redis.config('RESETSTAT');
  const redisCpu0 = await redisCpuMs(redis);
  const cpu0 = cpuMsNow();
  const t0 = performance.now();
  for (const w of workers) void w.run();
  await finished;
  const wallMs = performance.now() - t0;
  const nodeCpu = cpuMsNow() - cpu0;
  const redisCpu = (await redisCpuMs(redis)) - redisCpu0;
  const commands = await redisCommandCosts(redis);
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all(queues.map((q) => q.close()));
  await redis.flushall();
  redis.disconnect();
  return {
    perSecond: (records / wallMs) * 1000,
    nodeMsPerRecord: nodeCpu / records,
    redisMsPerRecord: redisCpu / records,
    totalMsPerRecord: (nodeCpu + redisCpu) / records,
    scriptsPerRecord: (commands.find((c) => c.command === 'evalsha')?.calls ?? 0) / records,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const server = await startRedisServer();
  try {
    process.stdout.write(
      `BullMQ floor: ${flags.records} records through 6 chained no-op stages, one process, burst, median of ${flags.repeat}\n`,
    );
    for (const variant of ['bare', 'storyline'] as Variant[]) {
      const runs: Array<Awaited<ReturnType<typeof runOnce>>> = [];
      for (let r = 0; r < flags.repeat; r++) runs.push(await runOnce(variant, flags.records, server.url, `floor${r}`));
      const m = (k: keyof (typeof runs)[number]) => median(runs.map((x) => x[k]));
      process.stdout.write(
        `${variant.padEnd(9)} ${m('perSecond').toFixed(0)} records/s; CPU per record: node ${m('nodeMsPerRecord').toFixed(2)} ms + Redis ${m('redisMsPerRecord').toFixed(2)} ms = ${m('totalMsPerRecord').toFixed(2)} ms; ${m('scriptsPerRecord').toFixed(1)} BullMQ scripts per record\n`,
      );
    }
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
