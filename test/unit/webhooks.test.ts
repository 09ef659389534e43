import { randomBytes } from 'node:crypto';
import {
  classifyResponse,
  parseRetryAfter,
  signDelivery,
  subscriptionsFor,
  webhookBackoffMs,
  WebhookDeliveryError,
  webhookJobId,
} from '../../src/publish/webhooks';
import { loadConfig } from '../../config';
import { verifyStandardWebhook } from '../helpers/standard-webhooks';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

test('deliveries are signed per Standard Webhooks (checked by an independent HMAC-SHA256)', () => {
  const body = '{"id":"story-s1-v1","type":"story.created.v1"}';
  const now = new Date('2025-03-01T12:00:00.750Z');
  const h = signDelivery(secret, 'story-s1-v1', body, now);
  expect(h['webhook-id']).toBe('story-s1-v1');
  expect(h['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
  expect(h['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  expect(h['content-type']).toBe('application/cloudevents+json; charset=utf-8');
  expect(verifyStandardWebhook(secret, h, body)).toBe(true);
  expect(verifyStandardWebhook(secret, h, body + ' ')).toBe(false);
  expect(verifyStandardWebhook(`whsec_${randomBytes(32).toString('base64')}`, h, body)).toBe(false);
});

test('backoff: exponential from the base, capped, about a day over the default 15 attempts', () => {
  const cfg = loadConfig(() => undefined, {});
  const s = { baseMs: cfg.webhooks.backoffBaseMs, maxMs: cfg.webhooks.backoffMaxMs, jitter: 0 };
  const delays = Array.from({ length: cfg.webhooks.attempts - 1 }, (_, i) => webhookBackoffMs(i + 1, s));
  expect(delays[0]).toBe(30_000);
  expect(delays[1]).toBe(60_000);
  expect(Math.max(...delays)).toBe(4 * 3600_000);
  const totalH = delays.reduce((a, b) => a + b, 0) / 3600_000;
  expect(totalH).toBeGreaterThan(20);
  expect(totalH).toBeLessThan(30);
  // Jitter only shortens, by at most the jitter fraction.
  const jittered = webhookBackoffMs(3, { ...s, jitter: 0.2 }, undefined, () => 1);
  expect(jittered).toBe(Math.round(120_000 * 0.8));
});

test('Retry-After replaces the computed delay (seconds or HTTP date), capped at a day', () => {
  const s = { baseMs: 3600_000, maxMs: 4 * 3600_000, jitter: 0.2 };
  const err = classifyResponse(503, '7', 'https://r.example')!;
  expect(err.retryable).toBe(true);
  expect(webhookBackoffMs(1, s, err)).toBe(7000);
  const now = Date.parse('2025-03-01T12:00:00Z');
  expect(parseRetryAfter('Sat, 01 Mar 2025 12:01:00 GMT', now)).toBe(60_000);
  expect(parseRetryAfter('soon')).toBeUndefined();
  expect(webhookBackoffMs(1, s, new WebhookDeliveryError('http_status', 'x', true, 429, 10 * 86_400_000))).toBe(86_400_000);
});

test('responses: 2xx succeed, 410 means gone (not retryable), everything else is retried', () => {
  expect(classifyResponse(204, undefined, 'u')).toBeUndefined();
  expect(classifyResponse(410, undefined, 'u')).toMatchObject({ code: 'gone', retryable: false });
  for (const status of [301, 400, 404, 429, 500, 503])
    expect(classifyResponse(status, undefined, 'u')).toMatchObject({ retryable: true, status });
});

test('subscriptions match on event type; job ids are deterministic per (subscription, event)', () => {
  const subs = [
    { id: 'all', url: 'https://a.example/h', events: ['article.enriched.v1', 'story.created.v1', 'story.updated.v1'], secret },
    { id: 'stories', url: 'https://b.example/h', events: ['story.created.v1'], secret },
  ];
  expect(subscriptionsFor('story.created.v1', subs).map((s) => s.id)).toEqual(['all', 'stories']);
  expect(subscriptionsFor('story.updated.v1', subs).map((s) => s.id)).toEqual(['all']);
  expect(webhookJobId('stories', 'story-s1-v2')).toBe('webhook-stories.story-s1-v2');
  expect(webhookJobId('stories', 'story-s1-v2')).not.toContain(':');
});

test('config: subscriptions from STORYLINE_WEBHOOKS; a bad one is refused without echoing the secret', () => {
  const subs = [{ id: 'crm', url: 'https://crm.example/hooks', events: ['story.created.v1'], secret }];
  const cfg = loadConfig(() => undefined, { STORYLINE_WEBHOOKS: JSON.stringify(subs) });
  expect(cfg.webhooks.subscriptions).toEqual(subs);
  const bad = JSON.stringify([{ ...subs[0], url: 'ftp://crm.example' }]);
  let message = '';
  try {
    loadConfig(() => undefined, { STORYLINE_WEBHOOKS: bad });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/^Invalid configuration: webhooks\.subscriptions\.0\.url \(from STORYLINE_WEBHOOKS\)/);
  expect(message).not.toContain(secret.slice(6, 20));
  expect(() => loadConfig(() => undefined, { STORYLINE_WEBHOOKS: JSON.stringify([{ ...subs[0], secret: 'whsec_c2hvcnQ=' }]) })).toThrow(
    /webhooks\.subscriptions\.0\.secret.*24 to 64 bytes/,
  );
});
