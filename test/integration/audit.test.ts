import { startStageWorkers, type RunningWorkers } from '../../workers';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { syncFeedSchedulers } from '../../workers/schedule';
import { auditWindow } from '../../src/audit';
import { articleIdFor, canonicalizeUrl } from '../../src/feeds/canonical-url';
import { STAGES } from '../../src/types';
import { cliEnv, ensureBuilt, runCli } from '../helpers/cli';
import { startTestServer, type TestServer } from '../helpers/http';
import { waitFor } from '../helpers/wait';
import { cleanup, testConfig, testRedisUrl, uniquePrefix } from '../helpers/redis';

/*
 * Accounting through the real workers: good, 404, binary and duplicate items
 * each end in one outcome, `storyline audit` prints counts that add up,
 * `failed list --class` filters and `failed replay` of one job moves it back.
 */
jest.setTimeout(90_000);

const prefix = uniquePrefix('audit');
let server: TestServer;
let rt: Runtime;
let workers: RunningWorkers;
let missingFixed = false;

const body = Array.from(
  { length: 6 },
  (_, i) =>
    `<p>Paragraph ${i} about Nvidia and Tencent Cloud and the chip programme in China, with enough words to be an article body.</p>`,
).join('');
const page = (title: string) =>
  `<!doctype html><html lang="en"><head><title>${title}</title></head><body><article><h1>${title}</h1>${body}</article></body></html>`;

function rss(base: string, links: Array<[string, string]>): string {
  const items = links.map(([t, l]) => `<item><title>${t}</title><link>${l}</link><guid>${l}</guid></item>`).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Audit</title><link>${base}/</link>${items}</channel></rss>`;
}

const env = () => cliEnv(testRedisUrl(), prefix, { LOG_LEVEL: 'silent' });

const audit = () => auditWindow(rt.redis, rt.store.keys, 0, Date.now());

beforeAll(async () => {
  ensureBuilt();
  server = await startTestServer((req, res) => {
    const base = `http://127.0.0.1:${(req.socket.localPort as number).toString()}`;
    const p = (req.url ?? '/').split('?')[0];
    if (p === '/a.xml' || p === '/b.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const links: Array<[string, string]> =
        p === '/a.xml'
          ? [
              ['Good', `${base}/good`],
              ['Good twin', `${base}/good?utm_source=x`],
              ['Missing', `${base}/missing`],
              ['Binary', `${base}/binary`],
            ]
          : [['Good, elsewhere', `${base}/good`]];
      return res.end(rss(base, links));
    }
    if (p === '/good' || (p === '/missing' && missingFixed)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page(p === '/good' ? 'A good article about Tencent Cloud' : 'The missing article about Tencent Cloud'));
    }
    if (p === '/binary') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(Buffer.from([0, 1, 2, 255]));
    }
    res.writeHead(404);
    res.end('not found');
  });
  const cfg = testConfig(prefix);
  rt = await openRuntime(cfg);
  workers = startStageWorkers([...STAGES], rt);
  await syncFeedSchedulers(rt.queues.feeds, rt.store, cfg, [
    { id: 'a', url: `${server.url}/a.xml` },
    { id: 'b', url: `${server.url}/b.xml` },
  ]);
});

afterAll(async () => {
  await workers?.close();
  for (const id of ['feed-a', 'feed-b']) await rt?.queues.feeds.removeJobScheduler(id);
  await rt?.close();
  await server?.close();
  await cleanup(prefix);
});

test('every item ends in exactly one outcome, and the CLI prints counts that add up', async () => {
  await waitFor(async () => {
    const c = await audit();
    return c.seen === 5 && c.inFlight === 0;
  });
  const c = await audit();
  expect(c).toMatchObject({
    seen: 5,
    published: 1,
    skipped: { duplicate: 2 },
    failed: { fetch: { http_status: 1, bad_content_type: 1 } },
    inFlight: 0,
    unknown: 0,
  });
  // The published one is the article in the story.
  const stories = await rt.store.listStories();
  expect(stories.flatMap((s) => s.articles)).toHaveLength(1);

  const text = await runCli(['audit', '--since', '1h'], env());
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(/^seen\s+5$/m);
  expect(text.stdout).toMatch(/^published\s+1$/m);
  expect(text.stdout).toMatch(/^\s+duplicate\s+2$/m);
  expect(text.stdout).toMatch(/^\s+fetch\/http_status\s+1$/m);
  expect(text.stdout).toMatch(/^OK: 1 \+ 2 \+ 2 \+ 0 = 5 seen/m);
  const json = await runCli(['audit', '--json'], env());
  expect(JSON.parse(json.stdout)).toMatchObject({ seen: 5, published: 1, skippedTotal: 2, failedTotal: 2, inFlight: 0, ok: true });
  // A window before the run sees nothing.
  const empty = await runCli(['audit', '--until', '2020-01-01T00:00:00Z', '--json'], env());
  expect(JSON.parse(empty.stdout)).toMatchObject({ seen: 0, ok: true });
});

test('failed list --class filters, failed show explains, failed replay moves one job back', async () => {
  const missingId = articleIdFor(canonicalizeUrl(`${server.url}/missing`));
  const list = await runCli(['failed', 'list', '--class', 'http_status'], env());
  expect(list.code).toBe(0);
  const lines = list.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^fetch\\tfetch-${missingId}\\tattempts=1\\tclass=http_status\\thttp_status: HTTP 404`));
  const other = await runCli(['failed', 'list', '--stage', 'fetch', '--class', 'bad_content_type'], env());
  expect(other.stdout).toMatch(/octet-stream/);
  expect(other.stdout).not.toMatch(/HTTP 404/);

  const show = await runCli(['failed', 'show', `fetch-${missingId}`, '--stage', 'fetch'], env());
  expect(show.code).toBe(0);
  expect(show.stdout).toMatch(/^state:\s+failed$/m);
  expect(show.stdout).toMatch(/^attempts:\s+1 of 2$/m);
  expect(show.stdout).toMatch(/^reason:\s+http_status: HTTP 404/m);
  expect(show.stdout).toContain(`"articleId":"${missingId}"`);
  expect(show.stdout).toMatch(/stacktrace:\n {2}\[attempt 1\] UnrecoverableError/);

  missingFixed = true;
  const replay = await runCli(['failed', 'replay', '--stage', 'fetch', '--job', `fetch-${missingId}`], env());
  expect(replay.stdout).toBe('1 job(s) replayed\n');
  await waitFor(async () => (await audit()).published === 2);
  const c = await audit();
  expect(c).toMatchObject({ seen: 5, published: 2, failed: { fetch: { bad_content_type: 1 } }, inFlight: 0 });
  expect(c.failed.fetch.http_status).toBeUndefined();
  expect((await rt.queues.fetch.getFailed()).map((j) => j.id)).not.toContain(`fetch-${missingId}`);

  // An item without an outcome while the queues are empty is reported as lost: exit 1 and a clear line.
  await waitFor(async () => (await rt.queues.publish.getJobCounts('waiting', 'active', 'delayed')).active === 0);
  await rt.redis.hdel(rt.store.keys.auditOutcome, missingId);
  const bad = await runCli(['audit'], env());
  expect(bad.code).toBe(1);
  expect(bad.stdout).toMatch(/^MISMATCH: 1 item\(s\) have no outcome while the queues are empty: lost/m);
  expect(bad.stderr).toMatch(/counts do not add up/);
});
