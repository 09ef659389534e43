import { Redis } from 'ioredis';
import { articleFeatures, resolveMergeOptions } from '../../src/merge';
import { DEMO_ARTICLES } from '../../src/demo/corpus';
import { keyspace } from '../../src/store/keys';
import { MergeStore, type MergeIndexMirror } from '../../src/store/merge-store';
import { MergeMirror } from '../../src/store/merge-mirror';
import { clearPrefix } from '../../src/store/redis';
import { tagEntities } from '../../src/tag';
import { testRedisUrl, uniquePrefix } from '../helpers/redis';

/**
 * Posting lists hold only stories whose state can still be read: with a TTL,
 * a commit drops the entries touched more than a TTL ago from every list it
 * posts to (their states expired with them), in Redis and in the worker's
 * mirror alike. Before, dead stories stayed until pushed out by rank, and in
 * a stream that repeats itself they crowded the live story out of the
 * candidate pool.
 */
function doc(i: number) {
  const a = DEMO_ARTICLES[i];
  const text = a.paragraphs.join('\n\n');
  return {
    id: `${a.outlet}/${a.slug}`,
    title: a.title,
    text,
    publishedAt: a.publishedAt,
    entities: tagEntities(text, { title: a.title }).entities,
  };
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
])('a commit drops posting entries older than the state TTL (%s), and keeps the recent ones', async (_, withMirror) => {
  const redis = new Redis(testRedisUrl());
  const prefix = uniquePrefix('merge-postings');
  const keys = keyspace(prefix);
  const ttlSec = 3600;
  const mirror: MergeIndexMirror | undefined = withMirror ? new MergeMirror() : undefined;
  const store = new MergeStore(redis, keys, resolveMergeOptions({}), ttlSec, mirror);
  try {
    // A first article founds its story and posts it under its index keys.
    const first = await store.plan(articleFeatures(doc(0)));
    await first.commit(redis, () => undefined);
    const termKeys = (await redis.keys(`${prefix}:merge:idx:t:*`)).sort();
    expect(termKeys.length).toBeGreaterThan(3);
    // Plant, under every one of those keys, a story touched two TTLs ago (its state long gone) and one a
    // minute ago (alive).
    const now = Date.now();
    for (const key of termKeys) await redis.zadd(key, now - 2 * ttlSec * 1000, 's-dead', now - 60_000, 's-recent');
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
  } finally {
    await clearPrefix(redis, prefix);
    redis.disconnect();
  }
});

test.each([
  ['without a mirror', false],
  ['with the mirror', true],
])('dead stories in a posting list do not crowd the live one out of the candidate pool (%s)', async (_, withMirror) => {
  const redis = new Redis(testRedisUrl());
  const prefix = uniquePrefix('merge-postings');
  const keys = keyspace(prefix);
  const ttlSec = 3600;
  const mirror: MergeIndexMirror | undefined = withMirror ? new MergeMirror() : undefined;
  const opts = resolveMergeOptions({});
  const store = new MergeStore(redis, keys, opts, ttlSec, mirror);
  try {
    const first = await store.plan(articleFeatures(doc(0)));
    await first.commit(redis, () => undefined);
    // More dead stories than the candidate pool holds, under every key the live story is posted under:
    // as many hits as it has, and ids that sort before it, so on hits and id alone they fill the pool.
    const indexKeys = await redis.keys(`${prefix}:merge:idx:*`);
    const dead = Array.from({ length: opts.candidatePool + 10 }, (_, i) => `s${String(i).padStart(16, '0')}`);
    const longAgo = Date.now() - 2 * ttlSec * 1000;
    for (const key of indexKeys) await redis.zadd(key, ...dead.flatMap((id) => [longAgo, id]));
    // Read, not yet posted to: the plan skips them, so the copy joins the live story.
    const again = await store.plan(articleFeatures({ ...doc(0), id: 'again' }));
    expect(again.created).toBe(false);
    expect(again.storyId).toBe(first.storyId);
  } finally {
    await clearPrefix(redis, prefix);
    redis.disconnect();
  }
});

test('without a TTL (tests, benchmarks) posting lists are trimmed by rank only', async () => {
  const redis = new Redis(testRedisUrl());
  const prefix = uniquePrefix('merge-postings');
  const keys = keyspace(prefix);
  const store = new MergeStore(redis, keys, resolveMergeOptions({}));
  try {
    const first = await store.plan(articleFeatures(doc(0)));
    await first.commit(redis, () => undefined);
    const termKeys = await redis.keys(`${prefix}:merge:idx:t:*`);
    for (const key of termKeys) await redis.zadd(key, 1, 's-old');
    const second = await store.plan(articleFeatures({ ...doc(0), id: 'again' }));
    await second.commit(redis, () => undefined);
    for (const key of termKeys) expect((await postings(redis, key)).has('s-old')).toBe(true);
  } finally {
    await clearPrefix(redis, prefix);
    redis.disconnect();
  }
});
