import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { StorylineConfig } from '../../config';
import { disabledSubscriptions, webhookDisabledKey, webhookJobId, type WebhookJobData } from '../../src/publish/webhooks';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { startWebhookWorker, type RunningWebhookWorker } from '../../workers/webhooks';
import { startTestServer, type TestServer } from '../helpers/http';
import { cleanup, testConfig, uniquePrefix } from '../helpers/redis';
import { verifyStandardWebhook } from '../helpers/standard-webhooks';

/*
 * The webhooks queue against a real Redis and real receivers on loopback:
 * 410 disables the endpoint, Retry-After is honoured, the SSRF guard refuses
 * private targets, and failed deliveries stay in the failed set for replay.
 */
jest.setTimeout(30_000);

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const prefixes: string[] = [];
const open: Array<{ close(): Promise<void> }> = [];

interface Hit {
  at: number;
  headers: IncomingMessage['headers'];
  body: string;
}

async function receiver(answer: (n: number, res: import('node:http').ServerResponse) => void): Promise<TestServer & { hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = await startTestServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ at: Date.now(), headers: req.headers, body });
      answer(hits.length, res);
    });
  });
  open.push(server);
  return Object.assign(server, { hits });
}

async function setup(url: string, tweak: (raw: Record<string, any>) => void = () => undefined) {
  const prefix = uniquePrefix('webhooks');
  prefixes.push(prefix);
  const cfg: StorylineConfig = testConfig(prefix, (raw) => {
    raw.webhooks.subscriptions = [{ id: 'receiver', url, events: ['story.created.v1', 'story.updated.v1'], secret }];
    raw.webhooks.backoffBaseMs = 3600_000; // an hour: a retry within seconds can only come from Retry-After
    tweak(raw);
  });
  const rt = await openRuntime(cfg);
  open.push(rt);
  return { cfg, rt };
}

function startWorker(rt: Runtime): RunningWebhookWorker {
  const w = startWebhookWorker(rt);
  open.push(w);
  return w;
}

function event(id: string): string {
  return JSON.stringify({ specversion: '1.0', id, source: 'urn:storyline:test', type: 'story.created.v1' });
}

async function deliver(rt: Runtime, eventId: string): Promise<string> {
  const data: WebhookJobData = { subscriptionId: 'receiver', eventId, eventType: 'story.created.v1', event: event(eventId) };
  const job = await rt.queues.webhooks.add('story.created.v1', data, { jobId: webhookJobId('receiver', eventId) });
  return job.id!;
}

async function settled(rt: Runtime, jobId: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await rt.queues.webhooks.getJobState(jobId);
    if (state === 'completed' || state === 'failed') return state;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

afterAll(async () => {
  for (const p of prefixes) await cleanup(p);
});

test('a delivery is a signed POST of the CloudEvent, and 410 Gone disables the endpoint for good', async () => {
  const r = await receiver((_, res) => res.writeHead(410).end());
  const { cfg, rt } = await setup(`${r.url}/hook`);
  startWorker(rt);
  const first = await deliver(rt, 'story-s1-v1');
  expect(await settled(rt, first)).toBe('failed');
  expect(r.hits).toHaveLength(1);
  expect(r.hits[0].headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
  expect(verifyStandardWebhook(secret, r.hits[0].headers as Record<string, string>, r.hits[0].body, { toleranceSec: 300 })).toBe(true);
  const job = await rt.queues.webhooks.getJob(first);
  expect(job!.attemptsMade).toBe(1); // no retries after 410
  expect(job!.failedReason).toMatch(/410/);
  expect(await disabledSubscriptions(rt.redis, cfg.redis.prefix, ['receiver'])).toEqual(new Set(['receiver']));
  expect(JSON.parse((await rt.redis.get(webhookDisabledKey(cfg.redis.prefix, 'receiver')))!)).toMatchObject({ status: 410 });

  // The next event is not delivered to the disabled endpoint.
  const second = await deliver(rt, 'story-s2-v1');
  expect(await settled(rt, second)).toBe('completed');
  expect((await rt.queues.webhooks.getJob(second))!.returnvalue).toEqual({ delivered: false, skipped: 'disabled' });
  expect(r.hits).toHaveLength(1);
});

test('Retry-After is honoured: the retry comes when the receiver asked, not after the computed backoff (1 h here)', async () => {
  const r = await receiver((n, res) => (n === 1 ? res.writeHead(503, { 'retry-after': '1' }).end() : res.writeHead(204).end()));
  const { rt } = await setup(`${r.url}/hook`);
  startWorker(rt);
  const id = await deliver(rt, 'story-s3-v1');
  expect(await settled(rt, id)).toBe('completed');
  expect(r.hits).toHaveLength(2);
  const gap = r.hits[1].at - r.hits[0].at;
  expect(gap).toBeGreaterThanOrEqual(950);
  expect(gap).toBeLessThan(8_000);
  // Same webhook-id on the retry (receivers dedupe on it), fresh signature, both valid.
  expect(r.hits[1].headers['webhook-id']).toBe(r.hits[0].headers['webhook-id']);
  for (const h of r.hits)
    expect(verifyStandardWebhook(secret, h.headers as Record<string, string>, h.body, { toleranceSec: 300 })).toBe(true);
  expect(r.hits[1].body).toBe(r.hits[0].body);
});

test('the SSRF guard refuses private webhook targets (IP literal and name); the failed delivery can be replayed', async () => {
  const r = await receiver((_, res) => res.writeHead(200).end());
  for (const url of [`${r.url}/hook`, `http://localhost:${r.port}/hook`]) {
    // Production default: no private ranges allowed.
    const { cfg, rt } = await setup(url, (raw) => (raw.fetch.allowPrivateCidrs = []));
    const worker = startWorker(rt);
    const id = await deliver(rt, 'story-s4-v1');
    expect(await settled(rt, id)).toBe('failed');
    const [failed] = await rt.queues.webhooks.getFailed(0, 10);
    expect(failed.id).toBe(id);
    expect(failed.failedReason).toMatch(/blocked/);
    expect(failed.attemptsMade).toBe(1); // not retried: a private address stays private
    expect(r.hits).toHaveLength(0);

    // What `storyline failed replay --stage webhooks` does, with loopback now allowed by the operator.
    await worker.close();
    const allowed = await openRuntime({ ...cfg, fetch: { ...cfg.fetch, allowPrivateCidrs: ['127.0.0.0/8', '::1/128'] } });
    open.push(allowed);
    startWorker(allowed);
    await failed.retry('failed');
    expect(await settled(allowed, id)).toBe('completed');
    expect(r.hits).toHaveLength(1);
    r.hits.length = 0;
  }
});
