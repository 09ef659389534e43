import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Job } from 'bullmq';
import { articleIdFor, canonicalizeUrl } from '../../src/feeds/canonical-url';
import { SCHEMA_VERSION, type Article, type FeedConfig } from '../../src/types';
import { processFeedsJob, type FeedsJobResult } from '../../workers/feeds';
import { processFetchJob } from '../../workers/fetch';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { scheduleFeed, schedulerIdFor } from '../../workers/schedule';
import { startTestServer, type TestServer } from '../helpers/http';
import { cleanup, testConfig, uniquePrefix } from '../helpers/redis';

/*
 * The feeds stage against a real loopback origin and a real Redis: conditional
 * GET, backoff, Retry-After, disabling, <ttl>/Cache-Control, dedupe across
 * feeds, per-host politeness and fetch limits. The processor is called with
 * real BullMQ jobs, so every poll is deterministic (no waiting for ticks).
 */
jest.setTimeout(60_000);

const prefix = uniquePrefix('feeds-polling');
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const hits = new Map<string, IncomingMessage[]>();
let server: TestServer;
let rt: Runtime;

function route(path: string, handler: Handler): string {
  routes.set(path, handler);
  return `${server.url}${path}`;
}

function rss(items: Array<{ title: string; link: string }>, extra = ''): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback</title><link>${server.url}/</link>${extra}${items
    .map((i) => `<item><title>${i.title}</title><link>${i.link}</link></item>`)
    .join('')}</channel></rss>`;
}

async function addFeed(id: string, url: string, extra: Partial<FeedConfig> = {}): Promise<void> {
  await rt.store.upsertFeed({ id, url, ...extra });
}

async function poll(feedId: string, runtime: Runtime = rt): Promise<FeedsJobResult> {
  const job = new Job(runtime.queues.feeds, 'poll', { feedId }, { attempts: 1 }, `test-poll-${feedId}-${Date.now()}`);
  return processFeedsJob(job, runtime);
}

async function pollError(feedId: string): Promise<Error> {
  try {
    await poll(feedId);
  } catch (err) {
    expect((err as Error).name).toBe('UnrecoverableError');
    return err as Error;
  }
  throw new Error('expected the poll to fail');
}

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    hits.set(path, [...(hits.get(path) ?? []), req]);
    const handler = routes.get(path);
    if (handler) return handler(req, res);
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('not found');
  });
  rt = await openRuntime(
    testConfig(prefix, (raw) => {
      raw.feeds.pollIntervalMs = 1000;
      raw.feeds.maxBackoffMs = 5000;
      raw.feeds.disableAfterFailures = 4;
      raw.feeds.maxCacheHintMs = 30 * 60_000;
      raw.feeds.maxItemsPerPoll = 50;
      raw.fetch.userAgent = 'StorylineTest/feeds (+loopback)';
      raw.fetch.timeoutMs = 1500;
      raw.fetch.maxBodyBytes = 256 * 1024;
      raw.fetch.perHostSpacingMs = 0;
      raw.fetch.perHostConcurrency = 8;
    }),
  );
});

afterAll(async () => {
  await rt?.close();
  await server?.close();
  await cleanup(prefix);
});

test('a scheduler whose feed was removed drops itself on its next tick instead of failing every tick', async () => {
  await scheduleFeed(rt.queues.feeds, rt.cfg, { id: 'gone-feed', url: `${server.url}/never.xml` });
  expect((await rt.queues.feeds.getJobSchedulers()).map((s) => s.key)).toContain(schedulerIdFor('gone-feed'));
  const result = await poll('gone-feed');
  expect(result).toMatchObject({ feedId: 'gone-feed', polled: false, skippedBecause: 'unknown-feed' });
  expect((await rt.queues.feeds.getJobSchedulers()).map((s) => s.key)).not.toContain(schedulerIdFor('gone-feed'));
  expect(hits.get('/never.xml')).toBeUndefined();
});

test('conditional GET: validators are sent back, and a 304 is a success with nothing new', async () => {
  const url = route('/cond.xml', (req, res) => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, { etag: '"v1"' });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"', 'last-modified': 'Mon, 05 Jan 2026 10:00:00 GMT' });
    res.end(rss([{ title: 'One', link: `${server.url}/a/one` }]));
  });
  await addFeed('cond', url);
  const first = await poll('cond');
  expect(first).toMatchObject({ polled: true, notModified: false, items: 1, enqueued: 1 });
  const second = await poll('cond');
  expect(second).toMatchObject({ polled: true, notModified: true, items: 0, enqueued: 0 });

  const [, again] = hits.get('/cond.xml')!;
  expect(again.headers['if-none-match']).toBe('"v1"');
  expect(again.headers['if-modified-since']).toBe('Mon, 05 Jan 2026 10:00:00 GMT');
  expect(again.headers['user-agent']).toBe('StorylineTest/feeds (+loopback)');
  const state = await rt.store.getFeedState('cond');
  expect(state).toMatchObject({ etag: '"v1"', consecutiveErrors: 0, itemsSeen: 1, lastNewItems: 0, nextPollReason: 'interval' });
  expect(state.lastSuccessAt).toBeDefined();
  expect(Date.parse(state.nextPollAt!)).toBeGreaterThan(Date.now());
});

test('429 with Retry-After: the feed waits that long, and ticks before then do not touch the server', async () => {
  let calls = 0;
  const url = route('/busy.xml', (_req, res) => {
    calls++;
    res.writeHead(429, { 'retry-after': '120' });
    res.end();
  });
  await addFeed('busy', url);
  const before = Date.now();
  expect((await pollError('busy')).message).toMatch(/HTTP 429/);
  const state = await rt.store.getFeedState('busy');
  expect(state).toMatchObject({ consecutiveErrors: 1, nextPollReason: 'retry-after' });
  expect(state.pollNotBefore! - before).toBeGreaterThanOrEqual(119_000);
  expect(state.pollNotBefore! - Date.now()).toBeLessThanOrEqual(120_000);
  expect(state.lastError).toMatch(/HTTP 429/);

  expect(await poll('busy')).toMatchObject({ polled: false, skippedBecause: 'not-due' });
  expect(calls).toBe(1);
});

test('503 with an HTTP-date Retry-After is honoured too', async () => {
  const url = route('/maint.xml', (_req, res) => {
    res.writeHead(503, { 'retry-after': new Date(Date.now() + 600_000).toUTCString() });
    res.end();
  });
  await addFeed('maint', url);
  await pollError('maint');
  const state = await rt.store.getFeedState('maint');
  expect(state.nextPollReason).toBe('retry-after');
  expect(state.pollNotBefore! - Date.now()).toBeGreaterThan(590_000);
});

test('a failing feed backs off exponentially up to the cap, then is disabled and unscheduled; a success resets it', async () => {
  let failing = true;
  const url = route('/flaky.xml', (_req, res) => {
    if (failing) {
      res.writeHead(500);
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss([]));
  });
  await addFeed('flaky', url);
  await scheduleFeed(rt.queues.feeds, rt.cfg, (await rt.store.getFeed('flaky'))!);
  const waits: number[] = [];
  for (let i = 1; i <= 3; i++) {
    await pollError('flaky');
    const s = await rt.store.getFeedState('flaky');
    expect(s.consecutiveErrors).toBe(i);
    // Two clock reads a few ms apart: round to 100 ms.
    waits.push(Math.round((Date.parse(s.nextPollAt!) - Date.parse(s.lastErrorAt!)) / 100) * 100);
    if (i > 1) expect(await poll('flaky')).toMatchObject({ polled: false, skippedBecause: 'not-due' });
    // Skip the wait: make the next tick due.
    await rt.redis.hdel(rt.store.keys.feedState('flaky'), 'pollNotBefore');
  }
  expect(waits).toEqual([1000, 2000, 4000]);

  // Reset by a success: the count starts again.
  failing = false;
  expect(await poll('flaky')).toMatchObject({ polled: true });
  expect((await rt.store.getFeedState('flaky')).consecutiveErrors).toBe(0);

  failing = true;
  for (let i = 1; i <= 4; i++) {
    await pollError('flaky');
    await rt.redis.hdel(rt.store.keys.feedState('flaky'), 'pollNotBefore');
  }
  const s = await rt.store.getFeedState('flaky');
  expect(s.disabledAt).toBeDefined();
  expect(s.disabledReason).toMatch(/4 consecutive failures, last: HTTP 500/);
  expect(await rt.queues.feeds.getJobScheduler(schedulerIdFor('flaky'))).toBeUndefined();
  const callsBefore = hits.get('/flaky.xml')!.length;
  expect(await poll('flaky')).toMatchObject({ polled: false, skippedBecause: 'disabled' });
  expect(hits.get('/flaky.xml')!.length).toBe(callsBefore);

  await rt.store.enableFeed('flaky');
  failing = false;
  expect(await poll('flaky')).toMatchObject({ polled: true });
});

test('<ttl> and Cache-Control postpone the next poll, within the configured bound', async () => {
  const ttlUrl = route('/ttl.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss([], '<ttl>10</ttl>'));
  });
  const longTtlUrl = route('/ttl-long.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss([], '<ttl>1440</ttl>'));
  });
  const ccUrl = route('/cc.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'cache-control': 'public, max-age=300' });
    res.end(rss([]));
  });
  await addFeed('ttl', ttlUrl);
  await addFeed('ttl-long', longTtlUrl);
  await addFeed('cc', ccUrl);
  for (const id of ['ttl', 'ttl-long', 'cc']) await poll(id);
  const now = Date.now();
  const [ttl, long, cc] = await Promise.all(['ttl', 'ttl-long', 'cc'].map((id) => rt.store.getFeedState(id)));
  expect(ttl.nextPollReason).toBe('ttl');
  expect(ttl.pollNotBefore! - now).toBeGreaterThan(9 * 60_000);
  expect(ttl.pollNotBefore! - now).toBeLessThanOrEqual(10 * 60_000);
  expect(long.pollNotBefore! - now).toBeLessThanOrEqual(30 * 60_000); // capped by maxCacheHintMs
  expect(long.pollNotBefore! - now).toBeGreaterThan(29 * 60_000);
  expect(cc.nextPollReason).toBe('cache-control');
  expect(cc.pollNotBefore! - now).toBeGreaterThan(290_000);
  expect(await poll('ttl')).toMatchObject({ polled: false, skippedBecause: 'not-due' });
  expect(hits.get('/ttl.xml')).toHaveLength(1);
});

test('dedupe: an item in two feeds and on every re-poll is one article recording both feeds', async () => {
  const link = `${server.url}/a/shared-story`;
  const urlA = route('/dup-a.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(
      rss([
        { title: 'Shared', link },
        { title: 'Only A', link: `${server.url}/a/only-a` },
      ]),
    );
  });
  const urlB = route('/dup-b.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss([{ title: 'Shared, tracked', link: `${link}?utm_source=feed&utm_medium=rss#comments` }]));
  });
  const urlC = route('/dup-c.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss([{ title: 'Shared, third', link: `${link}?fbclid=abc` }]));
  });
  await addFeed('dup-a', urlA);
  await addFeed('dup-b', urlB);
  await addFeed('dup-c', urlC);
  const articleId = articleIdFor(canonicalizeUrl(link));

  expect(await poll('dup-a')).toMatchObject({ items: 2, enqueued: 2 });
  expect(await poll('dup-b')).toMatchObject({ items: 1, enqueued: 1 }); // same fetch job id: one job
  expect((await rt.queues.fetch.getJobs(['waiting'])).filter((j) => j.data.articleId === articleId)).toHaveLength(1);
  expect(await rt.store.getArticleFeeds(articleId)).toEqual(['dup-a', 'dup-b']);
  expect((await rt.store.getFeedItem(articleId)).feedId).toBe('dup-a');

  // Extraction happens (here: the record extract would write, with the feeds it saw then).
  const article: Article = {
    schemaVersion: SCHEMA_VERSION,
    id: articleId,
    url: link,
    canonicalUrl: canonicalizeUrl(link),
    source: 'Loopback',
    sourceDomain: '127.0.0.1',
    feedIds: ['dup-a', 'dup-b'],
    title: 'Shared',
    authors: [],
    text: 'x',
    excerpt: 'x',
    wordCount: 1,
    extraction: { method: 'readability', readerable: true },
    fetch: { status: 200, finalUrl: link, bytes: 1, redirects: 0, fetchedAt: new Date().toISOString(), timings: { totalMs: 1 } },
  };
  await rt.store.saveArticle(article);

  // A third feed sees it after extraction: the stored article gains the feed, and is not fetched again.
  expect(await poll('dup-c')).toMatchObject({ items: 1, enqueued: 0, articlesUpdated: 1 });
  const stored = JSON.parse((await rt.redis.get(rt.store.keys.article(articleId)))!) as Article;
  expect(stored.feedIds).toEqual(['dup-a', 'dup-b', 'dup-c']);
  expect(stored.authors).toEqual([]); // the rest of the record is untouched
  expect(await rt.redis.ttl(rt.store.keys.article(articleId))).toBeGreaterThan(0);

  // Re-polls add nothing: the entries the last poll handled are left alone.
  expect(await poll('dup-a')).toMatchObject({ items: 2, unchanged: 2, enqueued: 0, articlesUpdated: 0 });
  expect((await rt.store.getFeedState('dup-a')).lastNewItems).toBe(0);

  // The set is authoritative even if an extraction wrote a stale list (a feed added mid-extraction).
  await rt.store.saveArticle({ ...article, feedIds: ['dup-a'] });
  expect((await rt.store.getArticle(articleId)).feedIds).toEqual(['dup-a', 'dup-b', 'dup-c']);
});

test('a re-polled feed that gained entries: only the new ones are handled, and an unsaved poll is handled again', async () => {
  let entries = Array.from({ length: 30 }, (_, i) => ({ title: `Story ${i}`, link: `${server.url}/grow/${i}` }));
  const url = route('/grow.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(rss(entries));
  });
  await addFeed('grow', url);
  expect(await poll('grow')).toMatchObject({ items: 30, unchanged: 0, enqueued: 30 });
  expect((await rt.store.getFeedState('grow')).recentEntries).toHaveLength(30);

  // Three new entries at the top, the oldest three fall off: three handled, 27 left alone.
  entries = [...[30, 31, 32].map((i) => ({ title: `Story ${i}`, link: `${server.url}/grow/${i}` })), ...entries.slice(0, 27)];
  expect(await poll('grow')).toMatchObject({ items: 30, unchanged: 27, enqueued: 3 });
  expect((await rt.store.getFeedState('grow')).lastNewItems).toBe(3);
  const waiting = (await rt.queues.fetch.getJobs(['waiting'])).filter((j) => String(j.data.feedId) === 'grow');
  expect(waiting).toHaveLength(33);

  // A poll that died before saving its entry list (here: the list is wiped) handles every entry again, idempotently.
  await rt.redis.hdel(rt.store.keys.feedState('grow'), 'recentEntries');
  expect(await poll('grow')).toMatchObject({ items: 30, unchanged: 0, enqueued: 30 });
  expect((await rt.queues.fetch.getJobs(['waiting'])).filter((j) => String(j.data.feedId) === 'grow')).toHaveLength(33);
  expect((await rt.store.getFeedState('grow')).lastNewItems).toBe(0);
});

test('hostile feeds: HTML served as a feed, XXE, entity expansion, deep nesting, 100,000 items, unsafe links', async () => {
  const html = route('/page.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end('<!doctype html><html><head><title>Home</title></head><body>Welcome</body></html>');
  });
  await addFeed('html-feed', html);
  expect((await pollError('html-feed')).message).toMatch(/^not a feed: detected text\/html/);
  expect((await rt.store.getFeedState('html-feed')).lastError).toMatch(/not a feed: detected text\/html/);

  const xxe = route('/xxe.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(
      `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY file SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "${server.url}/xxe-probe">]>` +
        `<rss version="2.0"><channel><title>t</title><item><title>A &file; &remote; B</title><link>${server.url}/a/xxe</link></item></channel></rss>`,
    );
  });
  await addFeed('xxe', xxe);
  expect(await poll('xxe')).toMatchObject({ items: 1 });
  const xxeItem = await rt.store.getFeedItem(articleIdFor(canonicalizeUrl(`${server.url}/a/xxe`)));
  expect(xxeItem.title).not.toMatch(/root:/);
  expect(hits.get('/xxe-probe')).toBeUndefined();

  const laughs = route('/laughs.xml', (_req, res) => {
    const defs = ['<!ENTITY l0 "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`)].join('');
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(
      `<?xml version="1.0"?><!DOCTYPE rss [${defs}]><rss version="2.0"><channel><item><title>&l9;</title><link>${server.url}/a/lol</link></item></channel></rss>`,
    );
  });
  await addFeed('laughs', laughs);
  await poll('laughs');
  expect((await rt.store.getFeedItem(articleIdFor(canonicalizeUrl(`${server.url}/a/lol`)))).title.length).toBeLessThan(100);

  const deep = route('/deep.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(
      `<rss version="2.0"><channel><item><title>x</title><link>${server.url}/a/deep</link><x>${'<d>'.repeat(20_000)}${'</d>'.repeat(20_000)}</x></item></channel></rss>`,
    );
  });
  await addFeed('deep', deep);
  expect((await pollError('deep')).message).toMatch(/malformed feed: elements nested deeper than/);

  const huge = route('/huge.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    const items = Array.from(
      { length: 100_000 },
      (_, i) => `<item><title>Item ${i}</title><link>${server.url}/a/big-${i}</link></item>`,
    ).join('');
    res.end(gzipSync(`<rss version="2.0"><channel><title>big</title>${items}</channel></rss>`));
  });
  await addFeed('huge', huge);
  // 100,000 items are ~6 MB: over this test's 256 KiB body cap, so refused while streaming.
  expect((await pollError('huge')).message).toMatch(/body exceeds/);

  const unsafe = route('/unsafe.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(
      rss([
        { title: 'js', link: 'javascript:alert(1)' },
        { title: 'data', link: 'data:text/html;base64,PHNjcmlwdD4=' },
        { title: 'vb', link: ' VBScript:msgbox(1)' },
        { title: 'fine', link: `${server.url}/a/fine` },
      ]),
    );
  });
  await addFeed('unsafe', unsafe);
  expect(await poll('unsafe')).toMatchObject({ items: 1, enqueued: 1 });
});

test('the item cap bounds a 100,000-item feed that fits the body cap', async () => {
  const items = Array.from({ length: 100_000 }, (_, i) => `<item><link>/${i}</link></item>`).join('');
  const body = gzipSync(`<rss version="2.0"><channel><link>${server.url}/</link>${items}</channel></rss>`);
  const url = route('/many.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    res.end(body);
  });
  const big = await openRuntime(
    testConfig(prefix, (raw) => {
      raw.feeds.maxItemsPerPoll = 50;
      raw.fetch.maxBodyBytes = 8 * 1024 * 1024;
      raw.fetch.perHostSpacingMs = 0;
    }),
  );
  try {
    await big.store.upsertFeed({ id: 'many', url });
    expect(await poll('many', big)).toMatchObject({ polled: true, items: 50, enqueued: 50 });
  } finally {
    await big.close();
  }
});

test('fetch limits on a feed: slow server, oversized body, gzip bomb, disallowed type; each recorded in the feed state', async () => {
  route('/slow.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.write('<rss version="2.0"><channel>'); // never ends
  });
  route('/big.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(`<rss version="2.0"><channel><title>${'x'.repeat(400 * 1024)}</title></channel></rss>`);
  });
  route('/bomb.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    res.end(gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)));
  });
  route('/image.xml', (_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });
  const expected: Record<string, RegExp> = {
    '/slow.xml': /timed out/,
    '/big.xml': /exceeds/,
    '/bomb.xml': /body exceeds/,
    '/image.xml': /content type image\/png is not allowed/,
  };
  for (const [path, reason] of Object.entries(expected)) {
    const id = `limit${path.replace(/\W/g, '-')}`;
    await addFeed(id, `${server.url}${path}`);
    expect((await pollError(id)).message).toMatch(reason);
    expect((await rt.store.getFeedState(id)).lastError).toMatch(reason);
  }
});

test('politeness: per-host concurrency cap and spacing hold across processes (two runtimes, one Redis)', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const starts: number[] = [];
  route('/polite', (_req, res) => {
    starts.push(Date.now());
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><p>polite</p></body></html>');
    }, 150);
  });
  const politeCfg = (concurrency: number, spacing: number) =>
    testConfig(prefix, (raw) => {
      raw.fetch.perHostConcurrency = concurrency;
      raw.fetch.perHostSpacingMs = spacing;
    });
  const articleJobs = async (runtime: Runtime, n: number, tag: string) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const link = `${server.url}/polite?${tag}=${i}`;
      const canonicalUrl = canonicalizeUrl(link);
      const articleId = articleIdFor(canonicalUrl);
      await runtime.store.saveFeedItem({
        schemaVersion: SCHEMA_VERSION,
        feedId: 'polite',
        guid: link,
        link,
        canonicalUrl,
        articleId,
        title: 't',
      });
      ids.push(articleId);
    }
    return ids.map((articleId) =>
      processFetchJob(new Job(runtime.queues.fetch, 'fetch', { articleId }, {}, `test-fetch-${articleId}`), runtime),
    );
  };

  const [p1, p2] = await Promise.all([openRuntime(politeCfg(2, 0)), openRuntime(politeCfg(2, 0))]);
  try {
    await Promise.all([...(await articleJobs(p1, 4, 'one')), ...(await articleJobs(p2, 4, 'two'))]);
    expect(maxInFlight).toBe(2);
  } finally {
    await Promise.all([p1.close(), p2.close()]);
  }

  starts.length = 0;
  const [s1, s2] = await Promise.all([openRuntime(politeCfg(8, 300)), openRuntime(politeCfg(8, 300))]);
  try {
    await Promise.all([...(await articleJobs(s1, 2, 'three')), ...(await articleJobs(s2, 2, 'four'))]);
    const gaps = starts
      .sort((a, b) => a - b)
      .slice(1)
      .map((t, i) => t - starts[i]!);
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(280);
  } finally {
    await Promise.all([s1.close(), s2.close()]);
  }
});
