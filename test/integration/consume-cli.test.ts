import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { connectionOptions, WEBHOOKS_QUEUE } from '../../queues';
import { appendEventOnce } from '../../src/publish/stream';
import { keyspace } from '../../src/store/keys';
import { cliEnv, ensureBuilt, runCli, startCli } from '../helpers/cli';
import { cleanup, testRedisUrl, uniquePrefix } from '../helpers/redis';
import { waitFor } from '../helpers/wait';

/* `storyline consume` and `storyline failed … --stage webhooks` as real processes. */
jest.setTimeout(90_000);

const prefix = uniquePrefix('consume-cli');
const env = cliEnv(testRedisUrl(), prefix, { LOG_LEVEL: 'warn' });

beforeAll(() => ensureBuilt());
afterAll(() => cleanup(prefix));

test('consume prints one line per event, acks them, and stops on SIGTERM', async () => {
  const redis = new Redis(testRedisUrl());
  const keys = keyspace(prefix);
  try {
    for (const i of [1, 2, 3]) {
      const id = `story-s${i}-v1`;
      const json = JSON.stringify({
        specversion: '1.0',
        id,
        type: 'story.created.v1',
        time: '2025-03-01T12:00:00Z',
        data: { title: `Story ${i}` },
      });
      await appendEventOnce(
        redis,
        { seen: keys.eventSeen(id), stream: keys.events('events') },
        { id, type: 'story.created.v1', json },
        { maxLen: 100, dedupeTtlSec: 60 },
      );
    }
    const plain = startCli(['consume', '--group', 'ops', '--from-start', '--consumer', 'c1'], env);
    await waitFor(
      () =>
        plain
          .output()
          .split('\n')
          .filter((l) => l.includes('story.created.v1')).length === 3,
      { timeoutMs: 15_000, intervalMs: 50, what: 'three story.created lines' },
    );
    plain.child.kill('SIGTERM');
    const run = await plain.done;
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')[0]).toMatch(/^\d+-\d+\tstory\.created\.v1\tstory-s1-v1\t2025-03-01T12:00:00Z\tStory 1$/);
    expect((await redis.xpending(keys.events('events'), 'ops'))[0]).toBe(0);

    // --json: a new group from the start prints the CloudEvents as JSON lines.
    const json = startCli(['consume', '--group', 'audit', '--from-start', '--json'], env);
    await waitFor(() => json.output().trim().split('\n').length >= 3, { timeoutMs: 15_000, intervalMs: 50, what: 'three JSON lines' });
    json.child.kill('SIGTERM');
    const jsonRun = await json.done;
    expect(
      jsonRun.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual(['story-s1-v1', 'story-s2-v1', 'story-s3-v1']);
  } finally {
    redis.disconnect();
  }
});

test('failed webhook deliveries are listed and replayed with --stage webhooks', async () => {
  const queue = new Queue(WEBHOOKS_QUEUE, { connection: connectionOptions(testRedisUrl()), prefix });
  try {
    const job = await queue.add(
      'story.created.v1',
      { subscriptionId: 'gone', eventId: 'story-s1-v1', eventType: 'story.created.v1', event: '{}' },
      { jobId: 'webhook-gone.story-s1-v1' },
    );
    // Fail it the way a worker would, without running one.
    const token = randomBytes(8).toString('hex');
    const { Worker } = await import('bullmq');
    const worker = new Worker(WEBHOOKS_QUEUE, null, { connection: connectionOptions(testRedisUrl()), prefix, autorun: false });
    const active = await worker.getNextJob(token);
    expect(active!.id).toBe(job.id);
    await active!.moveToFailed(new Error('HTTP 500 from http://receiver.example'), token, false);
    await worker.close();

    const list = await runCli(['failed', 'list', '--stage', 'webhooks'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(
      'webhooks\twebhook-gone.story-s1-v1\tattempts=1\tclass=http_status\tHTTP 500 from http://receiver.example',
    );
    const replay = await runCli(['failed', 'replay', '--stage', 'webhooks'], env);
    expect(replay.stdout).toContain('1 job(s) replayed');
    expect(await queue.getJobState(job.id!)).toBe('waiting');
  } finally {
    await queue.close();
  }
});
