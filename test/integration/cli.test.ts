import { Queue } from 'bullmq';
import { connectionOptions } from '../../queues';
import { openRuntime } from '../../workers/runtime';
import { scheduleFeed, schedulerIdFor, syncFeedSchedulers } from '../../workers/schedule';
import { cliEnv, ensureBuilt, runCli, startCli } from '../helpers/cli';
import { startTestServer, type TestServer } from '../helpers/http';
import { cleanup, testConfig, testRedisUrl, uniquePrefix } from '../helpers/redis';

/*
 * The `storyline` command as ops run it: a real process, real Redis, a real
 * loopback origin.
 */
jest.setTimeout(90_000);

const prefix = uniquePrefix('cli');
let server: TestServer;
let releaseSlowPage: () => void = () => undefined;

beforeAll(async () => {
  ensureBuilt();
  server = await startTestServer((req, res) => {
    const base = `http://127.0.0.1:${req.socket.localPort}`;
    if (req.url === '/feed.json') {
      res.writeHead(200, { 'content-type': 'application/feed+json' });
      return res.end(
        JSON.stringify({
          version: 'https://jsonfeed.org/version/1.1',
          title: 'Slow Times',
          items: [{ id: '1', url: `${base}/slow-article`, title: 'A slow article', date_published: '2026-09-16T08:00:00Z' }],
        }),
      );
    }
    if (req.url === '/slow-article') {
      // Held open until the test has sent SIGTERM: the job is in flight during shutdown.
      releaseSlowPage = () => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          '<html><head><title>A slow article</title></head><body><article><p>' +
            'Tencent Cloud and Nvidia chips. '.repeat(40) +
            '</p></article></body></html>',
        );
      };
      return;
    }
    res.writeHead(404);
    res.end();
  });
});

afterAll(async () => {
  await server?.close();
  await cleanup(prefix);
});

const env = () => cliEnv(testRedisUrl(), prefix, { STORYLINE_FETCH_ALLOW_CIDRS: '127.0.0.0/8', LOG_LEVEL: 'info' });

test('a bad setting stops the process with one line naming the field', async () => {
  const run = await runCli(['feeds', 'list'], { ...env(), STORYLINE_CONCURRENCY_FETCH: 'lots' });
  expect(run.code).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^Invalid configuration: concurrency\.fetch \(from STORYLINE_CONCURRENCY_FETCH="lots"\): /);
});

test('an unknown stage is refused with the list of stages', async () => {
  const run = await runCli(['worker', '--stages', 'fetch,bogus'], env());
  expect(run.code).not.toBe(0);
  expect(run.stderr).toContain('unknown stage "bogus"');
});

test('an unknown error class is refused instead of matching nothing', async () => {
  const run = await runCli(['failed', 'replay', '--class', 'timout'], env());
  expect(run.code).not.toBe(0);
  expect(run.stderr).toContain('unknown error class "timout"');
  expect(run.stderr).toContain('timeout');
});

test('feeds add / list / remove', async () => {
  const add = await runCli(['feeds', 'add', 'slow', `${server.url}/feed.json`, '--title', 'Slow Times', '--every', '600000'], env());
  expect(add.code).toBe(0);
  const list = await runCli(['feeds', 'list', '--json'], env());
  expect(list.code).toBe(0);
  const feeds = JSON.parse(list.stdout) as Array<{ id: string; url: string; state: { consecutiveErrors: number } }>;
  expect(feeds.map((f) => f.id)).toEqual(['slow']);
  expect(feeds[0].url).toBe(`${server.url}/feed.json`);

  const again = await runCli(['feeds', 'add', 'gone', `${server.url}/nothing.xml`], env());
  expect(again.code).toBe(0);
  const remove = await runCli(['feeds', 'remove', 'gone'], env());
  expect(remove.stdout).toContain('feed gone removed');
  const text = await runCli(['feeds', 'list'], env());
  expect(text.stdout).toContain('slow');
  expect(text.stdout).not.toContain('gone');
});

test('a configured feed removed with `feeds remove` stays removed when workers restart, until added again', async () => {
  const configured = [
    { id: 'kept', url: `${server.url}/feed.json` },
    { id: 'dropped', url: `${server.url}/nothing.xml` },
  ];
  const ownPrefix = `${prefix}-configured`;
  // The operator's shell need not have the workers' feeds list: the removal is recorded whatever the CLI's config.
  const cliEnvFor = cliEnv(testRedisUrl(), ownPrefix, { STORYLINE_FETCH_ALLOW_CIDRS: '127.0.0.0/8' });
  // What `storyline worker --stages feeds` does at start, in process, with the feeds list configured.
  const rt = await openRuntime(testConfig(ownPrefix, (raw) => (raw.feeds.list = configured)));
  const restart = async () => {
    await syncFeedSchedulers(rt.queues.feeds, rt.store, rt.cfg);
    const schedulers = (await rt.queues.feeds.getJobSchedulers()).map((s) => s.key).sort();
    return { registered: (await rt.store.listFeeds()).map((f) => f.id), schedulers };
  };
  const both = { registered: ['dropped', 'kept'], schedulers: [schedulerIdFor('dropped'), schedulerIdFor('kept')] };
  const keptOnly = { registered: ['kept'], schedulers: [schedulerIdFor('kept')] };
  try {
    expect(await restart()).toEqual(both);

    const remove = await runCli(['feeds', 'remove', 'dropped'], cliEnvFor);
    expect(remove.code).toBe(0);
    expect(remove.stdout).toContain('feed dropped removed: workers that list it in their configured feeds will not add it back');
    expect(await restart()).toEqual(keptOnly);
    expect(await restart()).toEqual(keptOnly);

    // A scheduler left behind by a removal racing another process's start is dropped at the next start.
    await scheduleFeed(rt.queues.feeds, rt.cfg, { id: 'ghost', url: `${server.url}/nothing.xml` });
    expect((await rt.queues.feeds.getJobSchedulers()).map((s) => s.key)).toContain(schedulerIdFor('ghost'));
    expect(await restart()).toEqual(keptOnly);

    // A poll that was running during the removal writes its state after it (here: it disabled the feed).
    await rt.redis.hset(rt.store.keys.feedState('dropped'), { disabledAt: new Date().toISOString(), consecutiveErrors: '9' });
    // Adding it again starts afresh: scheduled, not disabled.
    const add = await runCli(['feeds', 'add', 'dropped', `${server.url}/nothing.xml`, '--no-discover'], cliEnvFor);
    expect(add.code).toBe(0);
    expect(await restart()).toEqual(both);
  } finally {
    for (const id of ['kept', 'dropped', 'ghost']) await rt.queues.feeds.removeJobScheduler(schedulerIdFor(id));
    await rt.close();
    await cleanup(ownPrefix);
  }
});

test('a worker finishes the job in flight on SIGTERM, then exits 0', async () => {
  const worker = startCli(['worker', '--stages', 'feeds,fetch'], env());
  const fetchQueue = new Queue('fetch', { connection: connectionOptions(testRedisUrl()), prefix });
  try {
    // Wait until the fetch job for the slow page is active.
    const deadline = Date.now() + 30_000;
    while ((await fetchQueue.getActiveCount()) === 0) {
      if (Date.now() > deadline) throw new Error(`fetch job never became active:\n${worker.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    worker.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(worker.child.exitCode).toBeNull(); // still finishing the job in flight
    releaseSlowPage();
    const run = await worker.done;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('shutting down');
    expect(await fetchQueue.getCompletedCount()).toBe(1);
    expect(await fetchQueue.getFailedCount()).toBe(0);
  } finally {
    worker.child.kill('SIGKILL');
    await fetchQueue.close();
  }
});
