import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RecordStore } from '../../src/store/records';
import { cliEnv, ensureBuilt, runCli } from '../helpers/cli';
import { startTestServer, type TestServer } from '../helpers/http';
import { cleanup, testRedisUrl, uniquePrefix } from '../helpers/redis';

/* `storyline feeds …` as a real process: discovery, derived ids, state in list, enable, OPML import/export. */
jest.setTimeout(90_000);

const prefix = uniquePrefix('feeds-cli');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'storyline-feeds-cli-'));
let server: TestServer;

const rss = '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback News</title></channel></rss>';

beforeAll(async () => {
  ensureBuilt();
  server = await startTestServer((req, res) => {
    const send = (type: string, body: string) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    switch (req.url) {
      case '/site/':
        return send(
          'text/html',
          '<html><head><link rel="alternate" type="application/rss+xml" title="Site feed" href="/site/news.rss"></head><body>hi</body></html>',
        );
      case '/site/news.rss':
        return send('application/rss+xml', rss);
      case '/plain/':
        return send('text/html', '<html><head><title>No links</title></head><body>hi</body></html>');
      case '/atom.xml':
        return send('application/atom+xml', '<feed xmlns="http://www.w3.org/2005/Atom"><title>Root Atom</title></feed>');
      default:
        res.writeHead(404, { 'content-type': 'text/html' });
        return res.end('nope');
    }
  });
});

afterAll(async () => {
  await server?.close();
  await cleanup(prefix);
  rmSync(tmp, { recursive: true, force: true });
});

const env = () => cliEnv(testRedisUrl(), prefix, { STORYLINE_FETCH_ALLOW_CIDRS: '127.0.0.0/8' });

test('feeds add URL discovers the feed of a site page and derives an id', async () => {
  const add = await runCli(['feeds', 'add', `${server.url}/site/`], env());
  expect(add.stderr).toBe('');
  expect(add.stdout).toContain(`added: ${server.url}/site/news.rss (discovered rss feed via <link rel="alternate">)`);
  // A site with no <link>: a common path at its root.
  const common = await runCli(['feeds', 'add', `${server.url}/plain/`], env());
  expect(common.stdout).toContain(`${server.url}/atom.xml (discovered atom feed via a common path)`);

  const list = JSON.parse((await runCli(['feeds', 'list', '--json'], env())).stdout) as Array<{ id: string; url: string; title?: string }>;
  expect(list).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ id: '127.0.0.1-site-news.rss', url: `${server.url}/site/news.rss`, title: 'Loopback News' }),
      expect.objectContaining({ id: '127.0.0.1-atom.xml', url: `${server.url}/atom.xml`, title: 'Root Atom' }),
    ]),
  );
});

test('feeds add refuses a page without feeds and says what it tried; an unreachable URL is added with a warning', async () => {
  const server404 = await runCli(['feeds', 'add', 'down', `${server.url}/missing.xml`], env());
  expect(server404.code).toBe(0);
  expect(server404.stderr).toContain('warning: could not check');

  const htmlOnly = await startTestServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>no feeds here</body></html>');
  });
  try {
    const none = await runCli(['feeds', 'add', `${htmlOnly.url}/`], env());
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no feed found at ${htmlOnly.url}/ (tried 10 URLs)`);
    expect(none.stderr).toContain(`${htmlOnly.url}/rss.xml: not a feed: detected text/html`);
  } finally {
    await htmlOnly.close();
  }

  const bad = await runCli(['feeds', 'add', 'bad id!', `${server.url}/site/news.rss`], env());
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('invalid feed id');
});

test('feeds list shows the polling state, including a disabled feed; feeds enable brings it back', async () => {
  const redis = new Redis(testRedisUrl());
  try {
    const store = new RecordStore(redis, prefix, { recordTtlSec: 60, htmlTtlSec: 60 });
    await store.recordFeedError('down', 'HTTP 404 for x');
    await store.disableFeed('down', '10 consecutive failures, last: HTTP 404 for x');
    const text = (await runCli(['feeds', 'list'], env())).stdout;
    expect(text).toMatch(/down\t.*missing\.xml\n\tstatus DISABLED since \S+: 10 consecutive failures, last: HTTP 404 for x/);
    expect(text).toMatch(
      /127\.0\.0\.1-site-news\.rss[^\n]*\n\tstatus never polled\n\tlast poll -, last success -, next poll -, items seen 0/,
    );

    const enable = await runCli(['feeds', 'enable', 'down'], env());
    expect(enable.stdout).toContain('feed down enabled');
    const state = await store.getFeedState('down');
    expect(state.disabledAt).toBeUndefined();
    expect(state.consecutiveErrors).toBe(0);
  } finally {
    redis.disconnect();
  }
});

test('feeds export writes OPML that feeds import reads back; import skips feeds already registered', async () => {
  const exported = await runCli(['feeds', 'export'], env());
  expect(exported.stdout).toContain('<opml version="2.0">');
  expect(exported.stdout).toContain(`xmlUrl="${server.url}/site/news.rss"`);

  const file = path.join(tmp, 'subs.opml');
  writeFileSync(
    file,
    `<?xml version="1.0"?><opml version="1.0"><body><outline text="Tech">
      <outline text="New one" xmlUrl="https://feeds.example/tech.xml"/>
      <outline text="Already" xmlUrl="${server.url}/site/news.rss"/></outline></body></opml>`,
  );
  const imported = await runCli(['feeds', 'import', file], env());
  expect(imported.stdout).toContain('imported 1 feeds');
  const out = path.join(tmp, 'out.opml');
  await runCli(['feeds', 'export', '--output', out], env());
  expect(readFileSync(out, 'utf8')).toContain('title="New one" xmlUrl="https://feeds.example/tech.xml"');
  const list = JSON.parse((await runCli(['feeds', 'list', '--json'], env())).stdout) as Array<{ id: string }>;
  expect(list.map((f) => f.id)).toContain('feeds.example-tech.xml');
});
