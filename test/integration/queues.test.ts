import { Redis } from 'ioredis';
import {
  applyQueuePolicies,
  closeQueues,
  defaultJobOptions,
  jobIdFor,
  MAX_STAGE_RETRY_AFTER_MS,
  openQueues,
  STAGE_BACKOFF_TYPE,
  stageBackoffMs,
  workerOptions,
} from '../../queues';
import { FetchError } from '../../src/fetch/http';
import { appendEventOnce } from '../../src/publish/stream';
import { keyspace } from '../../src/store/keys';
import { cleanup, testConfig, testRedisUrl, uniquePrefix } from '../helpers/redis';

const prefix = uniquePrefix('queues');
const cfg = testConfig(prefix);

afterAll(async () => {
  await cleanup(prefix);
});

test('default job options: bounded attempts, jittered exponential backoff, bounded history', () => {
  const opts = defaultJobOptions(cfg);
  expect(opts.attempts).toBe(cfg.jobs.attempts);
  expect(opts.backoff).toEqual({ type: STAGE_BACKOFF_TYPE, delay: cfg.jobs.backoffDelayMs, jitter: cfg.jobs.backoffJitter });
  expect(opts.removeOnComplete).toEqual({ count: cfg.retention.completedCount, age: cfg.retention.completedAgeSec });
  expect(opts.removeOnFail).toEqual({ count: cfg.retention.failedCount, age: cfg.retention.failedAgeSec });
  // Every stage worker implements the strategy, with the configured lock and stalled-check timings.
  const w = workerOptions(cfg, 'extract');
  expect(typeof w.settings?.backoffStrategy).toBe('function');
  expect(w.lockDuration).toBe(cfg.jobs.extractLockDurationMs);
  expect(w.stalledInterval).toBe(cfg.jobs.stalledIntervalMs);
  expect(workerOptions(cfg, 'fetch').lockDuration).toBe(cfg.jobs.lockDurationMs);
});

test('stage backoff: jittered exponential, or a longer Retry-After (capped)', () => {
  const b = { delay: 100, jitter: 0.5 };
  expect(stageBackoffMs(1, b, new Error('x'), () => 0)).toBe(100);
  expect(stageBackoffMs(3, b, new Error('x'), () => 0)).toBe(400);
  expect(stageBackoffMs(3, b, new Error('x'), () => 1)).toBe(200);
  const http429 = (ms?: number) => new FetchError('http_status', 'HTTP 429 for http://x/', true, 429, ms);
  expect(stageBackoffMs(1, b, http429(5_000), () => 0)).toBe(5_000);
  expect(stageBackoffMs(5, b, http429(10), () => 0)).toBe(1_600); // the backoff is longer than the Retry-After
  expect(stageBackoffMs(1, b, http429(undefined), () => 0)).toBe(100);
  expect(stageBackoffMs(1, b, http429(86_400_000), () => 0)).toBe(MAX_STAGE_RETRY_AFTER_MS);
});

test('deterministic job ids: the same record is one job however often it is added', async () => {
  const queues = openQueues(cfg);
  try {
    const id = jobIdFor('fetch', 'a0123456789abcdef0123');
    expect(id).toBe('fetch-a0123456789abcdef0123');
    await queues.fetch.add('fetch', { articleId: 'a0123456789abcdef0123' }, { jobId: id });
    await queues.fetch.add('fetch', { articleId: 'a0123456789abcdef0123' }, { jobId: id });
    await queues.fetch.addBulk([{ name: 'fetch', data: { articleId: 'a0123456789abcdef0123' }, opts: { jobId: id } }]);
    expect(await queues.fetch.getWaitingCount()).toBe(1);
    // Queue keys live under the configured prefix.
    const redis = new Redis(testRedisUrl());
    expect(await redis.exists(`${prefix}:fetch:${id}`)).toBe(1);
    redis.disconnect();
  } finally {
    await closeQueues(queues);
  }
});

test('the merge queue is a single writer across processes (global concurrency 1)', async () => {
  const queues = openQueues(cfg);
  try {
    await applyQueuePolicies(queues);
    expect(await queues.merge.getGlobalConcurrency()).toBe(1);
  } finally {
    await closeQueues(queues);
  }
});

test('an event is appended to the stream at most once per event id, and the stream is bounded', async () => {
  const redis = new Redis(testRedisUrl());
  const keys = keyspace(prefix);
  try {
    const event = { id: 'story-s1-v1', type: 'story.created.v1' as const, json: '{"id":"story-s1-v1"}' };
    const target = { seen: keys.eventSeen(event.id), stream: keys.events('events') };
    const first = await appendEventOnce(redis, target, event, { maxLen: 1000, dedupeTtlSec: 60 });
    const second = await appendEventOnce(redis, target, event, { maxLen: 1000, dedupeTtlSec: 60 });
    expect(first.appended).toBe(true);
    expect(second.appended).toBe(false);
    expect(await redis.xlen(target.stream)).toBe(1);
    expect(await redis.ttl(target.seen)).toBeGreaterThan(0);

    // MAXLEN ~ trims whole radix-tree nodes (100 entries by default), so the bound is approximate.
    const bounded = { seen: '', stream: keys.events('bounded') };
    for (let i = 0; i < 500; i++) {
      const e = { ...event, id: `story-s1-v${i}` };
      await appendEventOnce(redis, { ...bounded, seen: keys.eventSeen(`bounded-${e.id}`) }, e, { maxLen: 50, dedupeTtlSec: 60 });
    }
    const length = await redis.xlen(bounded.stream);
    expect(length).toBeGreaterThanOrEqual(50);
    expect(length).toBeLessThanOrEqual(150);
  } finally {
    redis.disconnect();
  }
});
