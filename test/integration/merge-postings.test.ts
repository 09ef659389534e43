import { Redis } from 'ioredis';
import { articleFeatures, resolveMergeOptions } from '../../src/merge';
import { DEMO_ARTICLES } from '../../src/demo/corpus';
import { keyspace } from '../../src/store/keys';
import { MergeStore, type MergeIndexMirror } from '../../src/store/merge-store';
import { MergeMirror } from '../../src/store/merge-mirror';
import { clearPrefix } from '../../src/store/redis';
import { demoStreamDoc } from '../helpers/demo-docs';
import { testRedisUrl, uniquePrefix } from '../helpers/redis';

/**
 * Posting lists hold only stories whose state can still be read: with a TTL,
 * a commit drops the entries touched more than a TTL ago from every list it
 * posts to (their states expired with them), in Redis and in the worker's
 * mirror alike. Before, dead stories stayed until pushed out by rank, and in
 * a stream that repeats itself they crowded the live story out of the
 * candidate pool.
 */
const doc = (i: number) => demoStreamDoc(DEMO_ARTICLES[i]);

const TTL_SEC = 3600;

/** A merge store on its own prefix (state TTL `ttlSec`, none when undefined), with or without a mirror; cleaned up after. */
async function withStore(
  o: { ttlSec?: number; withMirror?: boolean },
  run: (s: { redis: Redis; prefix: string; store: MergeStore; mirror?: MergeIndexMirror }) => Promise<void>,
): Promise<void> {
  const redis = new Redis(testRedisUrl());
  const prefix = uniquePrefix('merge-postings');
  const mirror: MergeIndexMirror | undefined = o.withMirror ? new MergeMirror() : undefined;
  const store = new MergeStore(redis, keyspace(prefix), resolveMergeOptions({}), o.ttlSec, mirror);
  try {
    await run({ redis, prefix, store, mirror });
  } finally {
    await clearPrefix(redis, prefix);
    redis.disconnect();
  }
}

async function postings(redis: Redis, key: string): Promise<Map<string, number>> {
  const flat = await redis.zrange(key, '0', '-1', 'WITHSCORES');
  const out = new Map<string, number>();
  for (let j = 0; j < flat.length; j += 2) out.set(flat[j], Number(flat[j + 1]));
  return out;
}

test.each([
  ['without a mirror', false],
  ['with the mirror', true],
])('a commit drops posting entries older than the state TTL (%s), and keeps the recent ones', (_, withMirror) =>
  withStore({ ttlSec: TTL_SEC, withMirror }, async ({ redis, prefix, store, mirror }) => {
    // A first article founds its story and posts it under its index keys.
    const first = await store.plan(articleFeatures(doc(0)));
    await first.commit(redis, () => undefined);
    const termKeys = (await redis.keys(`${prefix}:merge:idx:t:*`)).sort();
    expect(termKeys.length).toBeGreaterThan(3);
    // Plant, under every one of those keys, a story touched two TTLs ago (its state long gone) and one a
    // minute ago (alive).
    const now = Date.now();
    for (const key of termKeys) await redis.zadd(key, now - 2 * TTL_SEC * 1000, 's-dead', now - 60_000, 's-recent');
    // The mirror holds none of these lists yet (its first commit found it untrusted and emptied it), so
    // the next plan reads them, planted entries included, and its commit is applied to them.
    // The same article again (another id): it scores against the same story and posts to the same keys.
    const again = { ...doc(0), id: 'again' };
    const second = await store.plan(articleFeatures(again));
    expect(second.storyId).toBe(first.storyId);
    await second.commit(redis, () => undefined);
    for (const key of termKeys) {
      const list = await postings(redis, key);
      expect(list.has('s-dead')).toBe(false);
      expect(list.has('s-recent')).toBe(true);
      expect(list.has(first.storyId)).toBe(true);
      // The mirror holds what Redis holds, members and touch times.
      const mirrored = mirror?.postings.get(key);
      if (mirrored) expect([...mirrored].sort()).toEqual([...list].sort());
    }
    if (mirror) expect(termKeys.some((key) => mirror.postings.get(key))).toBe(true);
  }),
);

test.each([
  ['without a mirror', false],
  ['with the mirror', true],
])('dead stories in a posting list do not crowd the live one out of the candidate pool (%s)', (_, withMirror) =>
  withStore({ ttlSec: TTL_SEC, withMirror }, async ({ redis, prefix, store }) => {
    const first = await store.plan(articleFeatures(doc(0)));
    await first.commit(redis, () => undefined);
    // More dead stories than the candidate pool holds, under every key the live story is posted under:
    // as many hits as it has, and ids that sort before it, so on hits and id alone they fill the pool.
    const indexKeys = await redis.keys(`${prefix}:merge:idx:*`);
    const dead = Array.from({ length: resolveMergeOptions({}).candidatePool + 10 }, (_, i) => `s${String(i).padStart(16, '0')}`);
    const longAgo = Date.now() - 2 * TTL_SEC * 1000;
    for (const key of indexKeys) await redis.zadd(key, ...dead.flatMap((id) => [longAgo, id]));
    // Read, not yet posted to: the plan skips them, so the copy joins the live story.
    const again = await store.plan(articleFeatures({ ...doc(0), id: 'again' }));
    expect(again.created).toBe(false);
    expect(again.storyId).toBe(first.storyId);
  }),
);

test('without a TTL (tests, benchmarks) posting lists are trimmed by rank only', () =>
  withStore({}, async ({ redis, prefix, store }) => {
    const first = await store.plan(articleFeatures(doc(0)));
    await first.commit(redis, () => undefined);
    const termKeys = await redis.keys(`${prefix}:merge:idx:t:*`);
    for (const key of termKeys) await redis.zadd(key, 1, 's-old');
    const second = await store.plan(articleFeatures({ ...doc(0), id: 'again' }));
    await second.commit(redis, () => undefined);
    for (const key of termKeys) expect((await postings(redis, key)).has('s-old')).toBe(true);
  }));
