import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { StorylineConfig } from '../../config';
import { startApi, type ApiServer } from '../../src/api/server';
import { runDemo, type DemoResult } from '../../src/demo/run';
import type { Story } from '../../src/types';
import { STAGES } from '../../src/types';
import { startStageWorkers, type RunningWorkers } from '../../workers';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { parsePrometheus, sampleValue } from '../helpers/prometheus';
import { cleanup, testConfig, testRedisUrl, uniquePrefix } from '../helpers/redis';

/*
 * A client of the HTTP API over the demo corpus: the demo pipeline runs
 * against the test Redis, then `storyline api` serves what it wrote.
 */
jest.setTimeout(120_000);

const prefix = uniquePrefix('api');
let demo: DemoResult;
let rt: Runtime;
let cfg: StorylineConfig;
let api: ApiServer;
const extraServers: ApiServer[] = [];
let workers: RunningWorkers | undefined;

const DASHBOARD = { user: 'ops', password: 'correct horse battery', token: '', mode: 'read-only' as const };

function withDashboard(d: StorylineConfig['api']['dashboard']): StorylineConfig {
  return { ...cfg, api: { ...cfg.api, dashboard: d } };
}

async function get(
  path: string,
  init?: RequestInit,
  base = api.url,
): Promise<{ status: number; body: any; headers: Headers; text: string }> {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, headers: res.headers, text };
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

beforeAll(async () => {
  demo = await runDemo({ redisUrl: testRedisUrl(), prefix, logLevel: 'silent' });
  cfg = testConfig(prefix, (raw) => {
    raw.api.dashboard = DASHBOARD;
  });
  rt = await openRuntime(cfg);
  api = await startApi(rt, { host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await workers?.close();
  for (const s of extraServers) await s.close();
  await api?.close();
  await rt?.close();
  await cleanup(prefix);
});

function byUpdateDesc(a: Story, b: Story): number {
  return Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || (a.id < b.id ? 1 : -1);
}

async function collectAll(query: string): Promise<string[]> {
  const ids: string[] = [];
  let next: string | null = `/api/stories?${query}`;
  for (let pages = 0; next && pages < 200; pages++) {
    const r = await get(next);
    expect(r.status).toBe(200);
    ids.push(...(r.body.stories as Array<{ id: string }>).map((s) => s.id));
    next = r.body.next;
  }
  return ids;
}

describe('checks', () => {
  test('/healthz answers while the process is up', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok' });
  });

  test('/readyz is 503 without workers, 200 once every stage has one', async () => {
    const before = await get('/readyz');
    expect(before.status).toBe(503);
    expect(before.body.error.code).toBe('unavailable');
    expect(before.body.redis).toBe('ok');
    workers = startStageWorkers([...STAGES], rt);
    let after = await get('/readyz');
    for (let i = 0; i < 50 && after.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await get('/readyz');
    }
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('ready');
    for (const stage of STAGES) expect(after.body.workers[stage]).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /api/stories', () => {
  test('lists stories newest first, as summaries', async () => {
    const r = await get('/api/stories?limit=100');
    expect(r.status).toBe(200);
    const expected = [...demo.stories].sort(byUpdateDesc).map((s) => s.id);
    expect(r.body.stories.map((s: { id: string }) => s.id)).toEqual(expected);
    const first = r.body.stories[0];
    expect(first).toEqual(
      expect.objectContaining({
        title: expect.any(String),
        version: expect.any(Number),
        articles: expect.any(Number),
        sources: expect.any(Array),
        href: `/api/stories/${first.id}`,
      }),
    );
    expect(r.body.nextCursor).toBeNull();
  });

  test('cursor pagination walks every story exactly once', async () => {
    const ids = await collectAll('limit=2');
    expect(ids).toHaveLength(demo.stories.length);
    expect(new Set(ids)).toEqual(new Set(demo.stories.map((s) => s.id)));
    const firstPage = await get('/api/stories?limit=2');
    expect(firstPage.body.stories).toHaveLength(2);
    expect(typeof firstPage.body.nextCursor).toBe('string');
    expect(firstPage.body.next).toContain(`cursor=${encodeURIComponent(firstPage.body.nextCursor)}`);
  });

  test('entity filter, paginated', async () => {
    const entity = 'org:tencent-cloud';
    const expected = demo.stories.filter((s) => s.entities.some((e) => e.entityId === entity)).map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    const ids = await collectAll(`entity=${encodeURIComponent(entity)}&limit=1`);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids).toHaveLength(expected.length);
  });

  test('source filter (outlet name, case-insensitive)', async () => {
    const outlet = demo.stories[0].sources[0];
    const expected = demo.stories.filter((s) => s.sources.includes(outlet)).map((s) => s.id);
    const ids = await collectAll(`source=${encodeURIComponent(outlet.toUpperCase())}&limit=3`);
    expect(new Set(ids)).toEqual(new Set(expected));
    const none = await get('/api/stories?source=No%20Such%20Outlet');
    expect(none.status).toBe(200);
    expect(none.body.stories).toEqual([]);
  });

  test('since filter, alone and combined with entity', async () => {
    const sorted = [...demo.stories].sort(byUpdateDesc);
    const pivot = sorted[Math.floor(sorted.length / 2)].updatedAt;
    const expected = sorted.filter((s) => Date.parse(s.updatedAt) >= Date.parse(pivot)).map((s) => s.id);
    const ids = await collectAll(`since=${encodeURIComponent(pivot)}&limit=4`);
    expect(ids).toEqual(expected);
    const epoch = await collectAll(`since=${Date.parse(pivot)}`);
    expect(epoch).toEqual(expected);
    const combined = await collectAll(`since=${encodeURIComponent(pivot)}&entity=org:tencent-cloud`);
    for (const id of combined) expect(expected).toContain(id);
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=101', 'limit'],
    ['since=yesterday', 'since'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('[1,"x y"]').toString('base64url')}`, 'cursor'],
    ['entity=Not%20An%20Id', 'entity'],
    ['source=', 'source'],
    ['colour=red', 'colour'],
    ['limit=1&limit=2', 'limit'],
  ])('400 with a stable code for %s', async (query, mentions) => {
    const r = await get(`/api/stories?${query}`);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(r.body.error.code).toBe('bad_parameter');
    expect(r.body.error.message).toContain(mentions);
    expect(r.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  });
});

describe('story, article and entity', () => {
  const biggest = () => [...demo.stories].sort((a, b) => b.articles.length - a.articles.length)[0];

  test('GET /api/stories/:id: briefing, members, entity cards, version history', async () => {
    const s = biggest();
    const r = await get(`/api/stories/${s.id}`);
    expect(r.status).toBe(200);
    expect(r.body.story.id).toBe(s.id);
    expect(r.body.story.briefing.whatHappened.length).toBeGreaterThan(0);
    expect(r.body.story.briefing.whatThePapersSay).toHaveLength(s.sources.length);
    expect(r.body.members).toHaveLength(s.articles.length);
    for (const m of r.body.members) {
      expect(m.available).toBe(true);
      expect(m.href).toBe(`/api/articles/${m.id}`);
      expect(m.excerpt).toEqual(expect.any(String));
    }
    expect(r.body.entityCards.length).toBeGreaterThan(0);
    expect(r.body.entityCards[0]).toEqual(
      expect.objectContaining({
        entityId: expect.any(String),
        name: expect.any(String),
        href: expect.stringMatching(/^\/api\/entities\//),
      }),
    );
    expect(r.body.versions.map((v: { version: number }) => v.version)).toEqual(Array.from({ length: s.version }, (_, i) => i + 1));
    expect(r.body.versions[s.version - 1].articles).toBe(s.articles.length);
    const v1 = await get(r.body.versions[0].snapshot);
    expect(v1.status).toBe(200);
    expect(v1.body.version).toBe(1);
    expect(v1.body.articles).toHaveLength(1);
  });

  test('GET /api/articles/:id: the article, its entities and its story', async () => {
    const s = biggest();
    const r = await get(`/api/articles/${s.articles[0].id}`);
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(s.articles[0].id);
    expect(r.body.text.length).toBeGreaterThan(100);
    expect(r.body.entities.length).toBeGreaterThan(0);
    expect(r.body.story).toEqual({ storyId: s.id, storyVersion: expect.any(Number), href: `/api/stories/${s.id}` });
  });

  test('GET /api/entities/:id: gazetteer card and recent stories', async () => {
    const r = await get('/api/entities/org:tencent-cloud');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      expect.objectContaining({ entityId: 'org:tencent-cloud', type: 'org', kind: 'gazetteer', description: expect.any(String) }),
    );
    const expected = demo.stories.filter((s) => s.entities.some((e) => e.entityId === 'org:tencent-cloud')).map((s) => s.id);
    expect(r.body.recentStories.map((s: { id: string }) => s.id).sort()).toEqual(expected.slice(0, 10).sort());
    // A gazetteer entity no story mentions still has its card.
    const quiet = demo.stories.flatMap((s) => s.entities.map((e) => e.entityId));
    const { getDefaultGazetteer } = await import('../../src/tag');
    const unmentioned = [...getDefaultGazetteer().byId.keys()].find((id) => !quiet.includes(id))!;
    const q = await get(`/api/entities/${encodeURIComponent(unmentioned)}`);
    expect(q.status).toBe(200);
    expect(q.body.recentStories).toEqual([]);
  });

  test.each([
    '/api/stories/s0000000000000000',
    '/api/stories/not..an..id',
    '/api/stories/s0000000000000000/versions/1',
    '/api/articles/a00000000000000000000',
    '/api/entities/org:no-such-entity',
    '/api/entities/nonsense',
    '/api/nothing-here',
  ])('404 with a stable code for %s', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    expect(r.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  });

  test('400 for a malformed version number, 405 for writes', async () => {
    const s = biggest();
    expect((await get(`/api/stories/${s.id}/versions/zero`)).body.error.code).toBe('bad_parameter');
    const post = await get('/api/stories', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(post.status).toBe(405);
    expect(post.body.error.code).toBe('method_not_allowed');
  });
});

describe('/metrics', () => {
  let text: string;
  beforeAll(async () => {
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    text = r.text;
  });

  test('parses as Prometheus text and has every metric of the issue', () => {
    const families = parsePrometheus(text);
    const want: Array<[string, string]> = [
      ['storyline_queue_jobs', 'gauge'],
      ['storyline_queue_workers', 'gauge'],
      ['storyline_stage_processing_seconds', 'histogram'],
      ['storyline_stage_wait_seconds', 'histogram'],
      ['storyline_articles_total', 'counter'],
      ['storyline_stories_total', 'counter'],
      ['storyline_events_total', 'counter'],
      ['storyline_fetch_outcomes_total', 'counter'],
      ['storyline_stage_jobs_total', 'counter'],
      ['process_cpu_seconds_total', 'counter'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_eventloop_lag_seconds', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
    ];
    for (const [name, type] of want) {
      expect({ name, type: families.get(name)?.type }).toEqual({ name, type });
      expect(families.get(name)!.help).toBeTruthy();
    }
    // Job counts by state, for every stage queue.
    for (const queue of STAGES) {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed']) {
        expect(sampleValue(families, 'storyline_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(0);
      }
    }
    // Fetch outcome classes.
    for (const outcome of ['ok', '304', '4xx', '5xx', 'timeout', 'blocked']) {
      expect(sampleValue(families, 'storyline_fetch_outcomes_total', { kind: 'feed', outcome })).toBeGreaterThanOrEqual(0);
      expect(sampleValue(families, 'storyline_fetch_outcomes_total', { kind: 'page', outcome })).toBeGreaterThanOrEqual(0);
    }
  });

  test('every metric the Grafana dashboard queries exists', () => {
    const families = parsePrometheus(text);
    const dashboard = readFileSync(path.join(__dirname, '..', '..', 'docs', 'grafana', 'storyline-dashboard.json'), 'utf8');
    const used = new Set(
      [...dashboard.matchAll(/\b((?:storyline|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, '')),
    );
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect({ name, present: families.has(name) }).toEqual({ name, present: true });
  });

  test('counts what the demo did', () => {
    const families = parsePrometheus(text);
    const articles = demo.served.size;
    const versions = demo.stories.reduce((n, s) => n + s.version, 0);
    expect(sampleValue(families, 'storyline_articles_total')).toBe(articles);
    expect(sampleValue(families, 'storyline_stories_total', { kind: 'created' })).toBe(demo.stories.length);
    expect(sampleValue(families, 'storyline_stories_total', { kind: 'updated' })).toBe(versions - demo.stories.length);
    expect(sampleValue(families, 'storyline_events_total')).toBe(articles + versions);
    expect(sampleValue(families, 'storyline_fetch_outcomes_total', { kind: 'page', outcome: 'ok' })).toBe(articles);
    expect(sampleValue(families, 'storyline_fetch_outcomes_total', { kind: 'feed', outcome: 'ok' })).toBeGreaterThanOrEqual(7);
    for (const stage of STAGES) {
      const count = sampleValue(families, 'storyline_stage_processing_seconds_count', { stage })!;
      expect(count).toBeGreaterThan(0);
      expect(sampleValue(families, 'storyline_stage_processing_seconds_bucket', { stage, le: '+Inf' })).toBe(count);
      expect(sampleValue(families, 'storyline_stage_processing_seconds_sum', { stage })).toBeGreaterThan(0);
      expect(sampleValue(families, 'storyline_stage_wait_seconds_count', { stage })).toBeGreaterThan(0);
    }
    expect(sampleValue(families, 'storyline_stage_processing_seconds_count', { stage: 'extract' })).toBe(articles);
    expect(sampleValue(families, 'storyline_stage_jobs_total', { stage: 'merge', outcome: 'completed' })).toBe(articles);
  });
});

describe('queue dashboard', () => {
  test('refuses requests without valid credentials (401)', async () => {
    const none = await get('/admin/queues');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(none.body.error.code).toBe('unauthorized');
    const wrong = await get('/admin/queues', { headers: { authorization: basic('ops', 'wrong') } });
    expect(wrong.status).toBe(401);
    const api = await get('/admin/queues/api/queues', { headers: { authorization: basic('ops', 'wrong') } });
    expect(api.status).toBe(401);
  });

  test('serves bull-board with credentials, read-only', async () => {
    const ok = await get('/admin/queues', { headers: { authorization: basic(DASHBOARD.user, DASHBOARD.password) } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<html');
    const queues = await get('/admin/queues/api/queues', { headers: { authorization: basic(DASHBOARD.user, DASHBOARD.password) } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...STAGES].sort());
    expect(queues.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    const write = await get('/admin/queues/api/queues/fetch/pause', {
      method: 'PUT',
      headers: { authorization: basic(DASHBOARD.user, DASHBOARD.password) },
    });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('read_only');
  });

  test('is off (404) when no credentials are configured', async () => {
    const off = await startApi(
      { ...rt, cfg: withDashboard({ user: '', password: '', token: '', mode: 'read-write' }) },
      { host: '127.0.0.1', port: 0 },
    );
    extraServers.push(off);
    expect((await get('/admin/queues', undefined, off.url)).status).toBe(404);
    expect((await get('/admin/queues/api/queues', { headers: { authorization: basic('ops', 'x') } }, off.url)).status).toBe(404);
  });

  test('bearer token; in read-write mode writes need the CSRF token', async () => {
    const token = 'tok-0123456789abcdef-xyz';
    const rw = await startApi(
      { ...rt, cfg: withDashboard({ user: '', password: '', token, mode: 'read-write' }) },
      { host: '127.0.0.1', port: 0 },
    );
    extraServers.push(rw);
    const auth = { authorization: `Bearer ${token}` };
    expect((await get('/admin/queues', { headers: { authorization: 'Bearer nope-nope-nope-nope' } }, rw.url)).status).toBe(401);
    const page = await get('/admin/queues', { headers: auth }, rw.url);
    expect(page.status).toBe(200);
    const setCookie = page.headers.get('set-cookie') ?? '';
    const csrf = /XSRF-TOKEN=([^;]+)/.exec(setCookie)?.[1];
    expect(csrf).toBeTruthy();
    expect(setCookie).toContain('SameSite=Strict');

    const pause = '/admin/queues/api/queues/tag/pause';
    const noToken = await get(pause, { method: 'PUT', headers: auth }, rw.url);
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('csrf_failed');
    const forged = await get(
      pause,
      { method: 'PUT', headers: { ...auth, cookie: 'XSRF-TOKEN=abc.def', 'x-xsrf-token': 'abc.def' } },
      rw.url,
    );
    expect(forged.status).toBe(403);
    const crossSite = await get(
      pause,
      { method: 'PUT', headers: { ...auth, cookie: `XSRF-TOKEN=${csrf}`, 'x-xsrf-token': csrf!, origin: 'https://evil.example' } },
      rw.url,
    );
    expect(crossSite.status).toBe(403);
    const good = await get(pause, { method: 'PUT', headers: { ...auth, cookie: `XSRF-TOKEN=${csrf}`, 'x-xsrf-token': csrf! } }, rw.url);
    expect(good.status).toBe(200);
    expect(await rt.queues.tag.isPaused()).toBe(true);
    await rt.queues.tag.resume();
  });
});

describe('story pages', () => {
  test('the index lists the stories and the queue view', async () => {
    const r = await get('/', { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/html/);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
    for (const s of demo.stories.slice(0, 5)) expect(r.text).toContain(`href="/stories/${s.id}"`);
    expect(r.text).toContain('aria-label="Queue depth and throughput"');
    for (const stage of STAGES) expect(r.text).toContain(`data-q="${stage}-waiting"`);
  });

  test('a story page has the briefing sections; unknown stories are 404 pages', async () => {
    const s = demo.stories[0];
    const r = await get(`/stories/${s.id}`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(200);
    for (const h of ['What happened', 'What the papers say', 'How we got here', 'Who and what', 'Timeline'])
      expect(r.text).toContain(`>${h}</h2>`);
    expect(r.text).not.toContain('<script');
    const missing = await get('/stories/s0000000000000000', { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('Not found');
  });

  test('/api/queues gives the numbers the index refreshes', async () => {
    const r = await get('/api/queues');
    expect(r.status).toBe(200);
    expect(r.body.stages.map((q: { stage: string }) => q.stage)).toEqual([...STAGES]);
    const merge = r.body.stages.find((q: { stage: string }) => q.stage === 'merge');
    expect(merge.perMinute).toBeGreaterThan(0);
  });
});
