import type { Queue } from 'bullmq';
import { startStageWorkers, type RunningWorkers } from '../../workers';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { syncFeedSchedulers } from '../../workers/schedule';
import { STAGES } from '../../src/types';
import { startTestServer, type TestServer } from '../helpers/http';
import { waitFor } from '../helpers/wait';
import { cleanup, testConfig, uniquePrefix } from '../helpers/redis';

/*
 * Bad input through the real stack: every item ends published or in a failed
 * set with its reason, duplicates collapse, and the workers keep going.
 */
jest.setTimeout(60_000);

const prefix = uniquePrefix('bad');
let server: TestServer;
let rt: Runtime;
let workers: RunningWorkers;

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><title>${title}</title><meta property="og:site_name" content="Loopback Gazette"></head>` +
  `<body><article><h1>${title}</h1>${body}</article></body></html>`;

const goodBody = Array.from(
  { length: 6 },
  (_, i) =>
    `<p>Paragraph ${i} about Nvidia and Tencent Cloud and the domestic chip programme in China, with enough words to be an article body.</p>`,
).join('');

function rss(base: string): string {
  const item = (title: string, link: string) => `<item><title>${title}</title><link>${link}</link><guid>${link}</guid></item>`;
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Gazette</title><link>${base}/</link>
    ${item('Good', `${base}/good`)}
    ${item('Good again, with tracking', `${base}/good?utm_source=x&utm_medium=rss#top`)}
    ${item('Missing', `${base}/missing`)}
    ${item('Binary', `${base}/binary`)}
    ${item('Empty', `${base}/empty`)}
    ${item('Script link', 'javascript:alert(1)')}
  </channel></rss>`;
}

async function failedReasons(queue: Queue): Promise<string[]> {
  return (await queue.getFailed()).map((j) => `${j.id} ${j.failedReason}`);
}

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const base = `http://127.0.0.1:${(req.socket.localPort as number).toString()}`;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      return res.end(rss(base));
    }
    if (path === '/not-a-feed') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><html><body>hello</body></html>');
    }
    if (path === '/good') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page('A good article about Tencent Cloud', goodBody));
    }
    if (path === '/binary') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(Buffer.from([0, 1, 2, 3, 255, 254]));
    }
    if (path === '/empty') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('');
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('not found');
  });
  const cfg = testConfig(prefix);
  rt = await openRuntime(cfg);
  workers = startStageWorkers([...STAGES], rt);
  await syncFeedSchedulers(rt.queues.feeds, rt.store, cfg, [
    { id: 'gazette', url: `${server.url}/feed.xml`, title: 'Loopback Gazette' },
    { id: 'html', url: `${server.url}/not-a-feed` },
  ]);
});

afterAll(async () => {
  await workers?.close();
  for (const id of ['feed-gazette', 'feed-html']) await rt?.queues.feeds.removeJobScheduler(id);
  await rt?.close();
  await server?.close();
  await cleanup(prefix);
});

test('each item ends published or failed with a reason; duplicates collapse; workers survive', async () => {
  await waitFor(async () => (await rt.queues.publish.getCompletedCount()) >= 1);
  await waitFor(async () => (await rt.queues.fetch.getFailedCount()) >= 2 && (await rt.queues.extract.getFailedCount()) >= 1);

  // The good item and its tracking-parameter twin are one article, published once.
  const stories = await rt.store.listStories();
  expect(stories).toHaveLength(1);
  expect(stories[0].articles).toHaveLength(1);
  expect(stories[0].articles[0].title).toBe('A good article about Tencent Cloud');

  const fetchFailures = await failedReasons(rt.queues.fetch);
  expect(fetchFailures.join('\n')).toMatch(/HTTP 404/);
  expect(fetchFailures.join('\n')).toMatch(/content type application\/octet-stream is not allowed/);
  expect(fetchFailures).toHaveLength(2);
  const extractFailures = await failedReasons(rt.queues.extract);
  expect(extractFailures).toHaveLength(1);

  // An HTML page served as a feed fails with a clear reason, and the feed state records it.
  await waitFor(async () => (await rt.queues.feeds.getFailedCount()) >= 1);
  expect((await failedReasons(rt.queues.feeds)).join('\n')).toMatch(/not a feed/);
  expect((await rt.store.getFeedState('html')).lastError).toMatch(/not a feed/);

  // Workers are still running after all of that.
  for (const w of workers.workers) expect(w.isRunning()).toBe(true);
});
