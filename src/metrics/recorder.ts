import type { Redis } from 'ioredis';
import { FetchError, type FetchResult, type HttpClient } from '../fetch/http';
import type { Keyspace } from '../store/keys';
import type { StageName } from '../types';

/*
 * Pipeline metrics live in Redis, written by whichever worker process did the
 * work, so one scrape of the API's /metrics sees the whole deployment however
 * many worker processes and hosts there are (no per-worker scrape targets to
 * discover, and nothing lost when a worker restarts). Counters and histogram
 * buckets are HINCRBY/HINCRBYFLOAT on two hashes; one pipeline per job.
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

function incrCounter(pipe: ReturnType<Redis['pipeline']>, keys: Keyspace, metric: string, labels: Record<string, string>, by = 1): void {
  pipe.hincrby(keys.metricsCounters, `${metric}|${labelKey(labels)}`, by);
}

function observe(
  pipe: ReturnType<Redis['pipeline']>,
  keys: Keyspace,
  metric: string,
  buckets: number[],
  labels: Record<string, string>,
  seconds: number,
): void {
  const base = `${metric}|${labelKey(labels)}`;
  pipe.hincrby(keys.metricsHistograms, `${base}|${bucketIndex(buckets, seconds)}`, 1);
  pipe.hincrbyfloat(keys.metricsHistograms, `${base}|sum`, seconds);
  pipe.hincrby(keys.metricsHistograms, `${base}|count`, 1);
}

/** Metrics must never fail a job: errors are swallowed (and reported to `onError`). */
async function run(pipe: ReturnType<Redis['pipeline']>, onError?: (err: Error) => void): Promise<void> {
  try {
    await pipe.exec();
  } catch (err) {
    onError?.(err as Error);
  }
}

/** Counts one fetch of a feed or page by outcome class. Fire and forget. */
export function recordFetchOutcome(target: MetricsTarget, kind: FetchKind, outcome: FetchOutcome | FetchResult | unknown): Promise<void> {
  const cls =
    typeof outcome === 'string' && (FETCH_OUTCOMES as readonly string[]).includes(outcome)
      ? (outcome as FetchOutcome)
      : classifyFetch(outcome);
  const pipe = target.redis.pipeline();
  incrCounter(pipe, target.store.keys, 'storyline_fetch_outcomes_total', { kind, outcome: cls });
  return run(pipe);
}

/** Wraps an HTTP client so that every fetch is counted by outcome class; nothing else changes. */
export function instrumentHttpClient(http: HttpClient, target: MetricsTarget, kind: FetchKind): HttpClient {
  return {
    async fetch(url, opts) {
      try {
        const res = await http.fetch(url, opts);
        void recordFetchOutcome(target, kind, res);
        return res;
      } catch (err) {
        void recordFetchOutcome(target, kind, err);
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
): Promise<void> {
  const keys = target.store.keys;
  const pipe = target.redis.pipeline();
  incrCounter(pipe, keys, 'storyline_stage_jobs_total', { stage, outcome });
  if (times.processedOn && times.finishedOn && times.finishedOn >= times.processedOn) {
    observe(pipe, keys, 'storyline_stage_processing_seconds', PROCESSING_BUCKETS, { stage }, (times.finishedOn - times.processedOn) / 1000);
  }
  if (times.processedOn && times.readyAt && times.processedOn >= times.readyAt) {
    observe(pipe, keys, 'storyline_stage_wait_seconds', WAIT_BUCKETS, { stage }, (times.processedOn - times.readyAt) / 1000);
  }
  if (outcome === 'completed') {
    const minute = Math.floor((times.finishedOn ?? Date.now()) / 60_000);
    pipe.incr(keys.metricsMinute(stage, minute));
    pipe.expire(keys.metricsMinute(stage, minute), 7200);
  }
  for (const e of extra) if ((e.by ?? 1) !== 0) incrCounter(pipe, keys, e.metric, e.labels ?? {}, e.by ?? 1);
  return run(pipe, onError);
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
