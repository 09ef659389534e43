import { Redis } from 'ioredis';
import { consumeEvents, type ConsumedEvent } from '../../src/consume/consumer';
import { appendEventOnce } from '../../src/publish/stream';
import { keyspace } from '../../src/store/keys';
import { cleanup, testRedisUrl, uniquePrefix } from '../helpers/redis';

/*
 * The reference consumer against a real Redis: at-least-once across an abort
 * (own pending entries re-read on restart), XAUTOCLAIM from a dead consumer,
 * and a failed handler's entry handed out again.
 */
jest.setTimeout(30_000);

const prefixes: string[] = [];
const clients: Redis[] = [];

function client(): Redis {
  const r = new Redis(testRedisUrl());
  clients.push(r);
  return r;
}

async function seed(n: number): Promise<{ stream: string; ids: string[] }> {
  const prefix = uniquePrefix('consume');
  prefixes.push(prefix);
  const keys = keyspace(prefix);
  const stream = keys.events('events');
  const redis = client();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `story-s${i}-v1`;
    ids.push(id);
    const json = JSON.stringify({ specversion: '1.0', id, source: 'urn:storyline:test', type: 'story.created.v1', data: { i } });
    await appendEventOnce(
      redis,
      { seen: keys.eventSeen(id), stream },
      { id, type: 'story.created.v1', json },
      { maxLen: 1000, dedupeTtlSec: 60 },
    );
  }
  return { stream, ids };
}

/** Runs a consumer until `until` says stop (checked after each event) or the deadline passes. */
async function run(
  stream: string,
  consumer: string,
  opts: { until: (seen: ConsumedEvent[]) => boolean; handler?: (e: ConsumedEvent) => void; claimIdleMs?: number },
) {
  const abort = new AbortController();
  const seen: ConsumedEvent[] = [];
  const timer = setTimeout(() => abort.abort(), 10_000);
  const stats = await consumeEvents({
    redis: client(),
    stream,
    group: 'g',
    consumer,
    fromStart: true,
    count: 10,
    blockMs: 100,
    claimIdleMs: opts.claimIdleMs ?? 60_000,
    claimEveryMs: 50,
    signal: abort.signal,
    handler: (e) => {
      opts.handler?.(e);
      seen.push(e);
      if (opts.until(seen)) abort.abort();
    },
  });
  clearTimeout(timer);
  return { seen, stats };
}

afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const p of prefixes) await cleanup(p);
});

test('killed mid-batch and restarted, a consumer re-reads its own pending entries first and sees every event', async () => {
  const { stream, ids } = await seed(25);
  // Reads 10 per batch, stops after the 4th event: 6 entries of the batch stay delivered but unacknowledged.
  const first = await run(stream, 'c1', { until: (s) => s.length === 4 });
  expect(first.seen.map((e) => e.id)).toEqual(ids.slice(0, 4));
  const redis = client();
  expect((await redis.xpending(stream, 'g'))[0]).toBe(6);

  const second = await run(stream, 'c1', { until: (s) => s.length === 21 });
  expect(second.seen.slice(0, 6).map((e) => e.via)).toEqual(Array(6).fill('pending'));
  expect(second.stats.pending).toBe(6);
  expect(new Set([...first.seen, ...second.seen].map((e) => e.id))).toEqual(new Set(ids));
  expect((await redis.xpending(stream, 'g'))[0]).toBe(0);
  // Events arrive parsed, with their stream id.
  expect(second.seen[0].event).toMatchObject({ specversion: '1.0', type: 'story.created.v1' });
  expect(second.seen[0].streamId).toMatch(/^\d+-\d+$/);
});

test('entries left by a dead consumer are taken over with XAUTOCLAIM once idle', async () => {
  const { stream, ids } = await seed(12);
  const redis = client();
  await redis.xgroup('CREATE', stream, 'g', '0');
  // A consumer that reads 5 entries and dies before acknowledging them.
  await redis.xreadgroup('GROUP', 'g', 'dead', 'COUNT', 5, 'STREAMS', stream, '>');
  await new Promise((r) => setTimeout(r, 250));
  const live = await run(stream, 'live', { until: (s) => s.length === 12, claimIdleMs: 200 });
  expect(new Set(live.seen.map((e) => e.id))).toEqual(new Set(ids));
  expect(live.stats.claimed).toBe(5);
  expect(live.seen.filter((e) => e.via === 'claimed').map((e) => e.id)).toEqual(ids.slice(0, 5));
  expect((await redis.xpending(stream, 'g'))[0]).toBe(0);
});

test('a failing handler leaves the entry pending; it is handed out again (deduplicate on the event id)', async () => {
  const { stream, ids } = await seed(5);
  let failedOnce = false;
  const handled = new Set<string>();
  const res = await run(stream, 'c', {
    claimIdleMs: 100,
    handler: (e) => {
      if (e.id === ids[2] && !failedOnce) {
        failedOnce = true;
        throw new Error('downstream unavailable');
      }
      handled.add(e.id); // idempotent: a set keyed by event id
    },
    until: () => handled.size === 5,
  });
  expect(res.stats.failed).toBe(1);
  expect(handled).toEqual(new Set(ids));
  expect(res.seen.find((e) => e.id === ids[2])!.via).toBe('claimed');
});
