import { Redis } from 'ioredis';
import { runDemo, type DemoResult } from '../../src/demo/run';
import { EVENT_TYPES } from '../../src/publish/events';
import { keyspace } from '../../src/store/keys';
import { cleanup, testRedisUrl, uniquePrefix } from '../helpers/redis';

/*
 * End to end: the bundled demo corpus served on loopback, every stage on
 * BullMQ against a private redis-server, checked against the corpus' ground
 * truth (which the pipeline never sees).
 */
jest.setTimeout(120_000);

const prefix = uniquePrefix('e2e');
let result: DemoResult;

beforeAll(async () => {
  result = await runDemo({ redisUrl: testRedisUrl(), prefix, logLevel: 'silent' });
});

afterAll(async () => {
  await cleanup(prefix);
});

function storyOf(articleId: string): string[] {
  return result.stories.filter((s) => s.articles.some((a) => a.id === articleId)).map((s) => s.id);
}

function storiesOfEvent(event: string): Set<string> {
  const ids = [...result.served].filter(([, v]) => v.event === event).map(([id]) => id);
  expect(ids.length).toBeGreaterThan(0);
  return new Set(ids.flatMap(storyOf));
}

test('no job ends in a failed set', () => {
  expect(result.failed).toEqual([]);
});

test('every demo article ends in exactly one story', () => {
  expect(result.served.size).toBeGreaterThanOrEqual(60);
  for (const id of result.served.keys()) expect(storyOf(id)).toHaveLength(1);
  const members = result.stories.reduce((n, s) => n + s.articles.length, 0);
  expect(members).toBe(result.served.size);
});

test('the Tencent domestic-chip articles from different outlets share one story', () => {
  const stories = storiesOfEvent('tencent-domestic-chips');
  expect(stories.size).toBe(1);
  const [storyId] = [...stories];
  const story = result.stories.find((s) => s.id === storyId)!;
  expect(story.sources.length).toBeGreaterThanOrEqual(6);
  expect(story.entities.map((e) => e.entityId)).toEqual(expect.arrayContaining(['org:tencent-cloud']));
});

test('distractors sharing entities but not the event stay apart from it', () => {
  const [tencentChips] = [...storiesOfEvent('tencent-domestic-chips')];
  for (const distractor of ['nvidia-earnings', 'tencent-games', 'nvidia-antitrust', 'china-ai-gap']) {
    expect(storiesOfEvent(distractor).has(tencentChips)).toBe(false);
  }
  // And the distractors are not one another either.
  const earnings = storiesOfEvent('nvidia-earnings');
  const antitrust = storiesOfEvent('nvidia-antitrust');
  expect([...earnings].some((s) => antitrust.has(s))).toBe(false);
});

test('stories carry a briefing built from the articles', () => {
  for (const s of result.stories) {
    expect(s.title.length).toBeGreaterThan(0);
    expect(s.briefing.whatHappened.length).toBeGreaterThan(0);
    expect(s.briefing.whatThePapersSay.length).toBe(s.sources.length);
    expect(s.briefing.timeline).toHaveLength(s.articles.length);
  }
});

test('publish appended one article event per article and one story event per story version', async () => {
  const redis = new Redis(testRedisUrl());
  try {
    const entries = await redis.xrange(keyspace(prefix).events('events'), '-', '+');
    const events = entries.map(
      ([, fields]) =>
        JSON.parse(fields[fields.indexOf('event') + 1]) as { id: string; type: string; specversion: string; data: { version?: number } },
    );
    expect(events.every((e) => e.specversion === '1.0')).toBe(true);
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.filter((e) => e.type === EVENT_TYPES.articleEnriched)).toHaveLength(result.served.size);
    const storyEvents = events.filter((e) => e.type !== EVENT_TYPES.articleEnriched);
    const versions = result.stories.reduce((n, s) => n + s.version, 0);
    expect(storyEvents).toHaveLength(versions);
    expect(events.filter((e) => e.type === EVENT_TYPES.storyCreated)).toHaveLength(result.stories.length);
  } finally {
    redis.disconnect();
  }
});

test('every text analysis the tag stage handed over was used up by a merge commit', async () => {
  const redis = new Redis(testRedisUrl());
  try {
    expect(await redis.keys(`${prefix}:analysis:*`)).toEqual([]);
  } finally {
    redis.disconnect();
  }
});
