import { Redis } from 'ioredis';
import { keyspace } from '../../src/store/keys';
import { defineMergeScripts, MergeStore } from '../../src/store/merge-store';
import { clearPrefix } from '../../src/store/redis';
import { SCHEMA_VERSION, type Story } from '../../src/types';
import { testRedisUrl, uniquePrefix } from '../helpers/redis';

/**
 * The read-side story indexes the API filters on (per entity, per outlet),
 * written by MergeStore.writeStory in the merge commit's MULTI through one
 * script: the story is filed under each of its keys with its update time,
 * entries older than the record TTL leave them, the keys carry the TTL, and
 * keys of entities or outlets the story no longer has drop it.
 */
function story(version: number, updatedAt: string, entityIds: string[], sources: string[]): Story {
  return {
    schemaVersion: SCHEMA_VERSION,
    id: 's-index-test',
    version,
    title: `version ${version}`,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt,
    articles: [],
    sources,
    entities: entityIds.map((entityId) => ({ entityId, name: entityId, type: 'org', count: 1 })),
    briefing: { whatHappened: [], whatThePapersSay: [], howWeGotHere: [], entityCards: [], timeline: [] },
  };
}

test('writeStory files the story under its entities and outlets, trims expired entries, and drops keys it left', async () => {
  const redis = new Redis(testRedisUrl());
  const prefix = uniquePrefix('story-indexes');
  const keys = keyspace(prefix);
  const ttl = { recordTtlSec: 3600, snapshotTtlSec: 600 };
  const write = async (s: Story, previous?: Story) => {
    defineMergeScripts(redis);
    const multi = redis.multi();
    MergeStore.writeStory(
      multi,
      keys,
      s,
      {
        reason: { storyId: s.id, created: !previous, score: 1, textSimilarity: 1, entityOverlap: 0, sharedEntities: [], sharedTerms: [] },
        storyVersion: s.version,
      },
      `a${s.version}`,
      ttl,
      previous,
    );
    const res = await multi.exec();
    expect(res?.every(([err]) => !err)).toBe(true);
  };
  try {
    const v1 = story(1, '2026-12-04T10:00:00.000Z', ['org:a', 'org:b'], ['Outlet X']);
    const t1 = Date.parse(v1.updatedAt);
    // An entry older than the record TTL, left by a story that expired.
    await redis.zadd(keys.storiesByEntity('org:a'), t1 - 2 * 3600_000, 's-expired');
    await write(v1);
    expect(Number(await redis.zscore(keys.storiesByEntity('org:a'), v1.id))).toBe(t1);
    expect(Number(await redis.zscore(keys.storiesByEntity('org:b'), v1.id))).toBe(t1);
    expect(Number(await redis.zscore(keys.storiesBySource('Outlet X'), v1.id))).toBe(t1);
    expect(await redis.zscore(keys.storiesByEntity('org:a'), 's-expired')).toBeNull();
    for (const key of [keys.storiesByEntity('org:a'), keys.storiesByEntity('org:b'), keys.storiesBySource('Outlet X')]) {
      const left = await redis.ttl(key);
      expect(left).toBeGreaterThan(3500);
      expect(left).toBeLessThanOrEqual(3600);
    }

    const v2 = story(2, '2026-12-04T11:00:00.000Z', ['org:a'], ['Outlet Y']);
    await write(v2, v1);
    expect(Number(await redis.zscore(keys.storiesByEntity('org:a'), v2.id))).toBe(Date.parse(v2.updatedAt));
    expect(Number(await redis.zscore(keys.storiesBySource('Outlet Y'), v2.id))).toBe(Date.parse(v2.updatedAt));
    expect(await redis.zscore(keys.storiesByEntity('org:b'), v2.id)).toBeNull();
    expect(await redis.zscore(keys.storiesBySource('Outlet X'), v2.id)).toBeNull();
    expect(Number(await redis.zscore(keys.stories, v2.id))).toBe(Date.parse(v2.updatedAt));
    expect(JSON.parse((await redis.get(keys.story(v2.id))) ?? '{}').version).toBe(2);
  } finally {
    await clearPrefix(redis, prefix);
    redis.disconnect();
  }
});
