import { Worker } from 'bullmq';
import { QUEUE_NAMES, workerOptions } from '../../queues';
import { processFeedsJob } from '../../workers/feeds';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { syncFeedSchedulers, schedulerIdFor } from '../../workers/schedule';
import { startTestServer, type TestServer } from '../helpers/http';
import { cleanup, testConfig, uniquePrefix } from '../helpers/redis';

/*
 * The real schedule: a BullMQ job scheduler ticking every second and a feeds
 * worker. A 429 with Retry-After must keep the server untouched until then,
 * although ticks keep coming; the poll after it succeeds.
 */
jest.setTimeout(60_000);

const prefix = uniquePrefix('feeds-scheduler');
let server: TestServer;
let rt: Runtime;
let worker: Worker;
const requests: number[] = [];

beforeAll(async () => {
  server = await startTestServer((_req, res) => {
    requests.push(Date.now());
    if (requests.length === 1) {
      res.writeHead(429, { 'retry-after': '4' });
      return res.end();
    }
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end('<rss version="2.0"><channel><title>t</title></channel></rss>');
  });
  rt = await openRuntime(testConfig(prefix, (raw) => (raw.feeds.pollIntervalMs = 1000)));
  // The feeds processor alone (workers/index would load every stage).
  worker = new Worker(QUEUE_NAMES.feeds, (job) => processFeedsJob(job, rt), workerOptions(rt.cfg, 'feeds'));
  void worker.run();
});

afterAll(async () => {
  await worker?.close();
  await rt?.queues.feeds.removeJobScheduler(schedulerIdFor('sched'));
  await rt?.close();
  await server?.close();
  await cleanup(prefix);
});

test('Retry-After holds across scheduler ticks; failed polls are not retried by BullMQ', async () => {
  await syncFeedSchedulers(rt.queues.feeds, rt.store, rt.cfg, [{ id: 'sched', url: `${server.url}/feed.xml` }]);
  const deadline = Date.now() + 20_000;
  while (requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(requests.length).toBeGreaterThanOrEqual(2);
  // 4 s asked, 1 s of slack in the due check; without the gate the next tick would come after ~1 s.
  expect(requests[1]! - requests[0]!).toBeGreaterThanOrEqual(2900);

  const failed = await rt.queues.feeds.getFailed();
  expect(failed).toHaveLength(1);
  expect(failed[0]!.failedReason).toMatch(/HTTP 429/);
  expect(failed[0]!.attemptsMade).toBe(1);
  const skipped = (await rt.queues.feeds.getCompleted()).filter((j) => j.returnvalue?.skippedBecause === 'not-due');
  expect(skipped.length).toBeGreaterThanOrEqual(1);
  const state = await rt.store.getFeedState('sched');
  expect(state.consecutiveErrors).toBe(0);
  expect(state.lastSuccessAt).toBeDefined();
});
