import type { Redis } from 'ioredis';
import { FetchError, type FetchResult, type HttpClient } from '../fetch/http';
import type { Keyspace } from '../store/keys';
import type { StageName } from '../types';
import { connectionScoped } from '../store/redis';

/*
 * Pipeline metrics live in Redis, written by whichever worker process did the
 * work, so one scrape of the API's /metrics sees the whole deployment however
 * many worker processes and hosts there are (no per-worker scrape targets to
 * discover, and nothing lost when a worker restarts). Counters and histogram
 * buckets are HINCRBY/HINCRBYFLOAT on two hashes, summed in memory and
 * written once a second (MetricsBuffer below).
 *
 * Field names: `{metric}|{labelName}={value},…` for counters and
 * `{metric}|{labels}|{bucketIndex|sum|count}` for histograms. See
 * src/metrics/registry.ts for the reading side.
 */

/** Upper bounds (seconds) of the histogram buckets; +Inf is implicit. */
export const PROCESSING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
export const WAIT_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** Fetch outcome classes: the feed/page answered (ok, 304, 4xx, 5xx), or we gave up (timeout, blocked, error). */
export type FetchOutcome = 'ok' | '304' | '4xx' | '5xx' | 'timeout' | 'blocked' | 'error';
export const FETCH_OUTCOMES: readonly FetchOutcome[] = ['ok', '304', '4xx', '5xx', 'timeout', 'blocked', 'error'];
export type FetchKind = 'feed' | 'page';

export interface MetricsTarget {
  redis: Redis;
  store: { keys: Keyspace };
}

export function labelKey(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v.replace(/[,=|]/g, '_')}`)
    .join(',');
}

export function bucketIndex(buckets: number[], seconds: number): number {
  const i = buckets.findIndex((le) => seconds <= le);
  return i === -1 ? buckets.length : i;
}

/** Classifies the result of an HTTP fetch, or the error it threw. */
export function classifyFetch(outcome: FetchResult | unknown): FetchOutcome {
  if (outcome instanceof FetchError) {
    if (outcome.code === 'timeout') return 'timeout';
    if (outcome.code === 'blocked' || outcome.code === 'bad_scheme') return 'blocked';
    if (outcome.code === 'http_status' && outcome.status !== undefined) {
      if (outcome.status >= 500) return '5xx';
      if (outcome.status >= 400) return '4xx';
    }
    return 'error';
  }
  const res = outcome as Partial<FetchResult> | undefined;
  if (res && typeof res.status === 'number') {
    if (res.notModified || res.status === 304) return '304';
    if (res.status >= 500) return '5xx';
    if (res.status >= 400) return '4xx';
    return 'ok';
  }
  return 'error';
}

/*
 * Increments are summed in memory and written once a second (and on close),
 * one pipeline of HINCRBYs per distinct field, instead of a pipeline of about
 * ten commands per job: per job that was the largest share of the Redis
 * commands a stage sent besides its own records (issue #8, docs/benchmarks.md).
 * A process killed with -9 loses at most its last second of counts; metrics
 * are observations, not the accounting (src/audit is written with the work).
 */
const FLUSH_INTERVAL_MS = 1000;

function add(sums: Map<string, number>, key: string, by: number): void {
  sums.set(key, (sums.get(key) ?? 0) + by);
}

class MetricsBuffer {
  private counters = new Map<string, number>();
  private histograms = new Map<string, number>();
  private sums = new Map<string, number>();
  private minutes = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  onError?: (err: Error) => void;

  constructor(private readonly target: MetricsTarget) {}

  counter(metric: string, labels: Record<string, string>, by = 1): void {
    add(this.counters, `${metric}|${labelKey(labels)}`, by);
    this.schedule();
  }

  observe(metric: string, buckets: number[], labels: Record<string, string>, seconds: number): void {
    const base = `${metric}|${labelKey(labels)}`;
    add(this.histograms, `${base}|${bucketIndex(buckets, seconds)}`, 1);
    add(this.histograms, `${base}|count`, 1);
    add(this.sums, `${base}|sum`, seconds);
    this.schedule();
  }

  minute(key: string): void {
    add(this.minutes, key, 1);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
    // A pending flush must not keep a finished process alive; close() flushes explicitly.
    this.timer.unref();
  }

  /** Writes what has accumulated; never rejects (metrics must not fail a job). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const { counters, histograms, sums, minutes } = this;
    if (!counters.size && !histograms.size && !sums.size && !minutes.size) return this.flushing;
    this.counters = new Map();
    this.histograms = new Map();
    this.sums = new Map();
    this.minutes = new Map();
    const keys = this.target.store.keys;
    const pipe = this.target.redis.pipeline();
    for (const [field, by] of counters) pipe.hincrby(keys.metricsCounters, field, by);
    for (const [field, by] of histograms) pipe.hincrby(keys.metricsHistograms, field, by);
    for (const [field, by] of sums) pipe.hincrbyfloat(keys.metricsHistograms, field, by);
    for (const [key, by] of minutes) {
      pipe.incrby(key, by);
      pipe.expire(key, 7200);
    }
    // Flushes go out in order, so a close() waits for every earlier one too.
    this.flushing = this.flushing.then(async () => {
      try {
        await pipe.exec();
      } catch (err) {
        this.onError?.(err as Error);
      }
    });
    return this.flushing;
  }
}

/** One buffer per Redis connection and key prefix (tests run several pipelines in one process). */
const buffers = connectionScoped<MetricsBuffer>();
function bufferFor(target: MetricsTarget): MetricsBuffer {
  return buffers(target.redis, target.store.keys.prefix, () => new MetricsBuffer(target));
}

/** Writes the metrics this process has buffered for `target` (worker shutdown, tests). */
export function flushMetrics(target: MetricsTarget): Promise<void> {
  return bufferFor(target).flush();
}

/** Counts one fetch of a feed or page by outcome class. Buffered (see MetricsBuffer). */
export function recordFetchOutcome(target: MetricsTarget, kind: FetchKind, outcome: FetchOutcome | FetchResult | unknown): void {
  const cls =
    typeof outcome === 'string' && (FETCH_OUTCOMES as readonly string[]).includes(outcome)
      ? (outcome as FetchOutcome)
      : classifyFetch(outcome);
  bufferFor(target).counter('storyline_fetch_outcomes_total', { kind, outcome: cls });
}

/** Wraps an HTTP client so that every fetch is counted by outcome class; nothing else changes. */
export function instrumentHttpClient(http: HttpClient, target: MetricsTarget, kind: FetchKind): HttpClient {
  return {
    async fetch(url, opts) {
      try {
        const res = await http.fetch(url, opts);
        recordFetchOutcome(target, kind, res);
        return res;
      } catch (err) {
        recordFetchOutcome(target, kind, err);
        throw err;
      }
    },
    close: () => http.close(),
  };
}

export interface JobTimes {
  /** When the job was added (ms), plus its delay if any. */
  readyAt?: number;
  processedOn?: number;
  finishedOn?: number;
}

/**
 * Records one finished job of a stage: processing duration, time waiting in
 * the queue, completion/failure counter and the per-minute throughput count
 * (kept 2 hours) the index page reads. `extra` adds domain counters.
 */
export function recordJob(
  target: MetricsTarget,
  stage: StageName,
  outcome: 'completed' | 'failed',
  times: JobTimes,
  extra: Array<{ metric: string; labels?: Record<string, string>; by?: number }> = [],
  onError?: (err: Error) => void,
): void {
  const keys = target.store.keys;
  const buf = bufferFor(target);
  if (onError) buf.onError = onError;
  buf.counter('storyline_stage_jobs_total', { stage, outcome });
  if (times.processedOn && times.finishedOn && times.finishedOn >= times.processedOn) {
    buf.observe('storyline_stage_processing_seconds', PROCESSING_BUCKETS, { stage }, (times.finishedOn - times.processedOn) / 1000);
  }
  if (times.processedOn && times.readyAt && times.processedOn >= times.readyAt) {
    buf.observe('storyline_stage_wait_seconds', WAIT_BUCKETS, { stage }, (times.processedOn - times.readyAt) / 1000);
  }
  if (outcome === 'completed') buf.minute(keys.metricsMinute(stage, Math.floor((times.finishedOn ?? Date.now()) / 60_000)));
  for (const e of extra) if ((e.by ?? 1) !== 0) buf.counter(e.metric, e.labels ?? {}, e.by ?? 1);
}

/** Jobs completed per stage over the last `minutes` whole minutes plus the current one. */
export async function recentThroughput(target: MetricsTarget, stages: readonly StageName[], minutes = 5): Promise<Record<string, number>> {
  const now = Math.floor(Date.now() / 60_000);
  const pipe = target.redis.pipeline();
  for (const stage of stages) for (let m = now - minutes; m <= now; m++) pipe.get(target.store.keys.metricsMinute(stage, m));
  const res = (await pipe.exec()) ?? [];
  const out: Record<string, number> = {};
  stages.forEach((stage, i) => {
    let sum = 0;
    for (let j = 0; j <= minutes; j++) sum += Number(res[i * (minutes + 1) + j]?.[1] ?? 0);
    out[stage] = sum;
  });
  return out;
}
