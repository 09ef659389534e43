import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Job } from 'bullmq';
import { jobIdFor } from '../../queues';
import { startApi, type ApiServer } from '../../src/api/server';
import { storyIdFor } from '../../src/merge';
import { EVENT_TYPES } from '../../src/publish/events';
import { tagEntities } from '../../src/tag';
import { SCHEMA_VERSION, type Article, type AssignmentReason, type PublishJobData, type Story } from '../../src/types';
import { startStageWorkers, type RunningWorkers } from '../../workers';
import { processPublishJob } from '../../workers/publish';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { startWebhookWorker, type RunningWebhookWorker } from '../../workers/webhooks';
import { startTestServer, type TestServer } from '../helpers/http';
import { cleanup, testConfig, uniquePrefix } from '../helpers/redis';
import { verifyStandardWebhook } from '../helpers/standard-webhooks';
import { waitFor } from '../helpers/wait';

/*
 * Issue 6, "story repair event" and "near-duplicates", through the real merge
 * and publish workers (BullMQ, the test Redis) and the HTTP API:
 *
 *   A  Meridian Wire, Oct 1       cracks found in the Varnes Dam, valley evacuated
 *   D  The Valley Courier, +1 h   A reprinted (own headline and dateline, a credit line): a near-duplicate
 *   B  Nordic Ledger, Nov 20      repairs begin: the same event, but seven weeks on, past
 *                                 even the follow-up window, so it starts a story of its own
 *   C  Capital Review, Oct 28     a recap between the two, eligible for both stories:
 *                                 story repair merges B's story into A's
 *
 * So: exactly one story.merged.v1 on the stream (valid against the committed
 * JSON Schema, delivered to a webhook subscription, not appended again when the
 * publish job runs again), the API redirecting B's story to the survivor and
 * listing only the survivor, and D marked as a copy of A that does not count
 * as an independent source.
 */
jest.setTimeout(90_000);

interface Fixture {
  key: 'A' | 'B' | 'C' | 'D';
  source: string;
  publishedAt: string;
  title: string;
  paragraphs: string[];
}

const A: Fixture = {
  key: 'A',
  source: 'Meridian Wire',
  publishedAt: '2026-10-01T08:00:00Z',
  title: 'Engineers find cracks in Varnes Dam; 2,400 residents evacuated',
  paragraphs: [
    'OSTBY, Oct 1 (Meridian Wire) - Engineers inspecting the Varnes Dam in the Lindqvist valley found deep cracks in its concrete spillway on Thursday, and the regional authority ordered about 2,400 residents of Ostby and Marnholm to leave their homes as a precaution.',
    'The Nordvik Water Authority said the cracks, some more than 40 metres long, were discovered during a routine inspection after a week of heavy rain pushed the reservoir to its highest level since 1987.',
    '"We are not expecting a failure, but we will not take chances with people\'s lives," authority director Ingrid Solheim told reporters in Ostby. She said engineers had begun releasing water to lower the reservoir by three metres.',
    'The Varnes Dam, completed in 1962, holds back about 180 million cubic metres of water and supplies power to 60,000 homes in the region.',
    'Evacuees were being housed in schools and sports halls in Halden, 20 kilometres down the valley, the authority said.',
  ],
};

const D: Fixture = {
  key: 'D',
  source: 'The Valley Courier',
  publishedAt: '2026-10-01T09:00:00Z',
  title: 'Lindqvist valley towns emptied as dam cracks',
  paragraphs: [
    A.paragraphs[0].replace('OSTBY, Oct 1 (Meridian Wire) -', 'OSTBY -'),
    ...A.paragraphs.slice(1),
    'This article was first published by Meridian Wire and is republished under licence.',
  ],
};

const B: Fixture = {
  key: 'B',
  source: 'Nordic Ledger',
  publishedAt: '2026-11-20T10:00:00Z',
  title: 'Repairs begin at cracked Varnes Dam as Ostby evacuees wait to return',
  paragraphs: [
    'Repair crews began work on the cracked spillway of the Varnes Dam in the Lindqvist valley on Friday, seven weeks after the Nordvik Water Authority evacuated about 2,400 residents of Ostby and Marnholm.',
    'Authority director Ingrid Solheim said the reservoir had been lowered by three metres and that engineers now believed the 40-metre cracks had been caused by water seeping into joints in the 1962 concrete.',
    'Residents housed in schools and sports halls in Halden will not be allowed back before the end of the month, Solheim said, angering some families who have been away from their homes for more than a month.',
    '"Nobody tells us anything," said Per Aasen, a farmer from Marnholm. The authority said it would hold a public meeting in Halden on Monday.',
    'The Varnes Dam holds back about 180 million cubic metres of water and supplies power to 60,000 homes.',
  ],
};

const C: Fixture = {
  key: 'C',
  source: 'Capital Review',
  publishedAt: '2026-10-28T09:00:00Z',
  title: 'Cracked Varnes Dam: what we know about the Lindqvist valley evacuation',
  paragraphs: [
    'Four weeks after engineers found cracks in the spillway of the Varnes Dam, about 2,400 residents of Ostby and Marnholm are still housed in schools and sports halls in Halden.',
    'The Nordvik Water Authority has lowered the reservoir by almost three metres, director Ingrid Solheim said on Monday, and engineers are studying whether the 40-metre cracks were caused by water in the joints of the 1962 concrete.',
    'Repair work on the spillway could begin by the end of the week if the reservoir keeps falling, she said. The dam holds back about 180 million cubic metres of water and supplies power to 60,000 homes in the region.',
    'Residents of Marnholm said they had been told little about when they might return.',
  ],
};

/** Merge order: the copy right after its original, the late follow-up, then the bridge. */
const ORDER = [A, D, B, C];
const idOf = (f: Fixture) => `a${(ORDER.indexOf(f) + 1).toString(16).padStart(20, '0')}`;

function articleFor(f: Fixture): Article {
  const text = f.paragraphs.join('\n\n');
  const url = `https://${f.source.toLowerCase().replace(/\W+/g, '-')}.example/${idOf(f)}`;
  return {
    schemaVersion: SCHEMA_VERSION,
    id: idOf(f),
    url,
    canonicalUrl: url,
    source: f.source,
    sourceDomain: new URL(url).hostname,
    feedIds: [],
    title: f.title,
    authors: [],
    publishedAt: f.publishedAt,
    text,
    excerpt: f.paragraphs[0],
    wordCount: text.split(/\s+/).length,
    extraction: { method: 'readability', readerable: true },
    fetch: { status: 200, finalUrl: url, bytes: text.length, redirects: 0, fetchedAt: f.publishedAt, timings: { totalMs: 1 } },
  };
}

const prefix = uniquePrefix('repair');
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const deliveries: Array<{ id: string; body: string; valid: boolean }> = [];
let receiver: TestServer;
let rt: Runtime;
let workers: RunningWorkers;
let webhooks: RunningWebhookWorker;
let api: ApiServer;
let events: Array<{ id: string; type: string; event: Record<string, any> }>;

const survivorId = storyIdFor(idOf(A));
const absorbedId = storyIdFor(idOf(B));

async function readStream(): Promise<typeof events> {
  const entries = await rt.redis.xrange(rt.store.keys.events(rt.cfg.publish.stream), '-', '+');
  return entries.map(([, f]) => {
    const field = (name: string) => f[f.indexOf(name) + 1];
    return { id: field('id'), type: field('type'), event: JSON.parse(field('event')) as Record<string, any> };
  });
}

async function assignment(f: Fixture): Promise<{ reason: AssignmentReason; storyVersion: number } | undefined> {
  const raw = await rt.redis.get(rt.store.keys.assignment(idOf(f)));
  return raw ? JSON.parse(raw) : undefined;
}

beforeAll(async () => {
  receiver = await startTestServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const headers = req.headers as Record<string, string>;
      deliveries.push({
        id: headers['webhook-id'] ?? '',
        body,
        valid: verifyStandardWebhook(secret, headers, body, { toleranceSec: 300 }),
      });
      res.writeHead(204).end();
    });
  });
  const cfg = testConfig(prefix, (raw) => {
    raw.webhooks.subscriptions = [{ id: 'merges', url: `${receiver.url}/hook`, events: [EVENT_TYPES.storyMerged], secret }];
  });
  rt = await openRuntime(cfg);
  for (const f of ORDER) {
    const article = articleFor(f);
    await rt.store.saveArticle(article);
    await rt.store.saveTagged(article.id, tagEntities(article.text, { title: article.title }).entities);
  }
  workers = startStageWorkers(['merge', 'publish'], rt);
  webhooks = startWebhookWorker(rt);
  // One article at a time, in this order: the merge decisions depend on it.
  for (const f of ORDER) {
    await rt.queues.merge.add('merge', { articleId: idOf(f) }, { jobId: jobIdFor('merge', idOf(f)) });
    await waitFor(async () => !!(await assignment(f)), { what: `merge of ${f.key}` });
  }
  await waitFor(
    async () => {
      const counts = await rt.queues.publish.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      const hooks = await rt.queues.webhooks.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return [...Object.values(counts), ...Object.values(hooks)].every((n) => n === 0);
    },
    { what: 'publish and webhook queues to drain' },
  );
  await waitFor(async () => (await readStream()).filter((e) => e.type === EVENT_TYPES.articleEnriched).length === ORDER.length, {
    what: 'one article event per article',
  });
  events = await readStream();
  api = await startApi(rt, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
  await workers?.close();
  await webhooks?.close();
  await receiver?.close();
  await cleanup(prefix);
  await rt?.close();
});

describe('story repair', () => {
  test('the fixture does what it says: B starts its own story, C bridges, B’s story is absorbed into A’s', async () => {
    expect((await assignment(D))?.reason.storyId).toBe(survivorId);
    expect((await assignment(B))?.reason).toMatchObject({ storyId: absorbedId, created: true });
    const bridge = await assignment(C);
    expect(bridge?.reason.storyId).toBe(survivorId);
    expect(bridge?.reason.merged).toEqual([absorbedId]);
    expect(await rt.redis.get(rt.store.keys.mergedInto(absorbedId))).toBe(survivorId);
    // The redirect lives as long as the records it redirects from.
    expect(await rt.redis.ttl(rt.store.keys.mergedInto(absorbedId))).toBeGreaterThan(0);
  });

  test('exactly one story.merged.v1 is on the stream, valid against schemas/story.merged.v1.json (ajv)', async () => {
    const merged = events.filter((e) => e.type === EVENT_TYPES.storyMerged);
    expect(merged).toHaveLength(1);
    const bridge = await assignment(C);
    const version = bridge?.storyVersion as number;
    expect(merged[0].id).toBe(`story-${absorbedId}-into-${survivorId}-v${version}`);
    expect(merged[0].event).toMatchObject({
      specversion: '1.0',
      type: 'story.merged.v1',
      subject: absorbedId,
      data: {
        absorbedStoryId: absorbedId,
        absorbedVersion: 1,
        title: B.title,
        articleIds: [idOf(B)],
        survivorStoryId: survivorId,
        survivorVersion: version,
        bridgingArticleId: idOf(C),
      },
    });
    // The survivor's version that absorbed it was announced too, before the merge event.
    const ids = events.map((e) => e.id);
    expect(ids.indexOf(`story-${survivorId}-v${version}`)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(`story-${survivorId}-v${version}`)).toBeLessThan(ids.indexOf(merged[0].id));

    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path.resolve(__dirname, '../../schemas/story.merged.v1.json'), 'utf8')));
    expect(validate(merged[0].event) ? [] : validate.errors).toEqual([]);
    // Every event id is unique on the stream.
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('the webhook subscription to story.merged.v1 got it, signed, with the stream’s bytes', () => {
    const merged = events.find((e) => e.type === EVENT_TYPES.storyMerged);
    expect(deliveries.map((d) => d.id)).toEqual([merged?.id]);
    expect(deliveries.every((d) => d.valid)).toBe(true);
    expect(JSON.parse(deliveries[0].body)).toEqual(merged?.event);
  });

  test('a publish job that runs again (retry after a crash) appends nothing twice', async () => {
    const bridge = await assignment(C);
    const data: PublishJobData = { articleId: idOf(C), storyId: survivorId, storyVersion: bridge?.storyVersion as number, created: false };
    const res = await processPublishJob({ id: 'retry', data } as Job<PublishJobData>, rt);
    expect(res.appended).toBe(0);
    const after = await readStream();
    expect(after.length).toBe(events.length);
    expect(after.filter((e) => e.type === EVENT_TYPES.storyMerged)).toHaveLength(1);
  });

  test('the API serves the survivor: the absorbed id redirects (308), listings show the survivor only', async () => {
    const detail = await fetch(`${api.url}/api/stories/${absorbedId}`, { redirect: 'manual' });
    expect(detail.status).toBe(308);
    expect(detail.headers.get('location')).toBe(`/api/stories/${survivorId}`);
    expect(await detail.json()).toEqual({ mergedInto: survivorId, href: `/api/stories/${survivorId}` });
    // Followed, it lands on the survivor, which holds the absorbed story's article.
    const followed = await fetch(`${api.url}/api/stories/${absorbedId}`);
    expect(followed.status).toBe(200);
    const survivor = ((await followed.json()) as { story: Story }).story;
    expect(survivor.id).toBe(survivorId);
    expect(survivor.articles.map((a) => a.id).sort()).toEqual(ORDER.map(idOf).sort());

    const page = await fetch(`${api.url}/stories/${absorbedId}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(page.status).toBe(308);
    expect(page.headers.get('location')).toBe(`/stories/${survivorId}`);

    // Every listing the absorbed story was in: all stories, by its outlet, by each of its entities.
    const absorbed = (await rt.store.getStory(absorbedId)) as Story;
    expect(absorbed.entities.length).toBeGreaterThan(0);
    const queries = [
      '',
      `?source=${encodeURIComponent(B.source)}`,
      ...absorbed.entities.map((e) => `?entity=${encodeURIComponent(e.entityId)}`),
    ];
    for (const query of queries) {
      const listed = (await (await fetch(`${api.url}/api/stories${query}`)).json()) as { stories: Array<{ id: string }> };
      expect(listed.stories.map((s) => s.id)).not.toContain(absorbedId);
    }
    const all = (await (await fetch(`${api.url}/api/stories`)).json()) as { stories: Array<{ id: string }> };
    expect(all.stories.map((s) => s.id)).toEqual([survivorId]);
    expect(await rt.redis.zscore(rt.store.keys.stories, absorbedId)).toBeNull();
    // A snapshot of the absorbed story's own history stays readable.
    expect((await fetch(`${api.url}/api/stories/${absorbedId}/versions/1`)).status).toBe(200);
  });
});

describe('near-duplicates', () => {
  let story: Story;
  beforeAll(async () => {
    story = (await rt.store.getStory(survivorId)) as Story;
  });

  test('the reprint is marked as a copy of the wire story; the other members are independent', () => {
    const byId = new Map(story.articles.map((a) => [a.id, a]));
    expect(byId.get(idOf(D))?.duplicateOf).toBe(idOf(A));
    for (const f of [A, B, C]) expect(byId.get(idOf(f))?.duplicateOf).toBeUndefined();
    expect(story.briefing.timeline.find((a) => a.id === idOf(D))?.duplicateOf).toBe(idOf(A));
  });

  test('the copy’s outlet is not counted as an independent source, and gets no line of its own', () => {
    expect(story.sources).toEqual([A.source, B.source, C.source, D.source].sort());
    expect(story.independentSources).toBe(3);
    const lines = story.briefing.whatThePapersSay;
    expect(lines.map((l) => l.source).sort()).toEqual([A.source, B.source, C.source].sort());
    expect(lines.find((l) => l.source === A.source)?.alsoCarriedBy).toEqual([D.source]);
    // No sentence is picked twice across the briefing.
    const picked = [...story.briefing.whatHappened, ...lines.map((l) => l.line)];
    expect(new Set(picked).size).toBe(picked.length);
  });

  test('the events carry the new fields, and the copy was marked from the moment it joined', () => {
    const created = events.find((e) => e.type === EVENT_TYPES.storyUpdated && e.event.data.id === survivorId && e.event.data.version === 2);
    expect(created?.event.data.articles.find((a: { id: string }) => a.id === idOf(D))?.duplicateOf).toBe(idOf(A));
    expect(created?.event.data.independentSources).toBe(1);
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(path.resolve(__dirname, '../../schemas/story.updated.v1.json'), 'utf8')));
    expect(validate(created?.event) ? [] : validate.errors).toEqual([]);
  });
});
