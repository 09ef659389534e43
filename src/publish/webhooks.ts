import type { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { BlockedAddressError, checkLiteralHost, createAddressPolicy, guardedLookup } from '../fetch/ssrf';

/*
 * Webhook deliveries: pure helpers (matching, signing, backoff, response
 * classification) plus a small POST client behind the fetch stage's SSRF
 * guard. The BullMQ wiring lives in workers/webhooks.ts.
 */

/** CloudEvents HTTP binding, structured mode: the body is the event exactly as on the stream. */
export const WEBHOOK_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

export interface WebhookSubscription {
  id: string;
  url: string;
  events: string[];
  /** `whsec_…`; never logged, never put into job data. */
  secret: string;
}

/**
 * Job payload. Unlike the stage jobs it carries the event itself: an event is
 * immutable, every retry must send the same bytes, and a failed delivery must
 * stay replayable while it sits in the failed set (14 days), longer than the
 * stream (trimmed) or any record TTL guarantees. URL and secret are read from
 * config at delivery time, so a fixed URL or a rotated secret applies to retries.
 */
export interface WebhookJobData {
  subscriptionId: string;
  eventId: string;
  eventType: string;
  /** The CloudEvent JSON, as appended to the stream. */
  event: string;
}

/** One job per (subscription, event) while it exists. Subscription ids contain no '.', event ids no '.'. */
export function webhookJobId(subscriptionId: string, eventId: string): string {
  return `webhook-${subscriptionId}.${eventId}`;
}

export function subscriptionsFor(type: string, subs: readonly WebhookSubscription[]): WebhookSubscription[] {
  return subs.filter((s) => s.events.includes(type));
}

/**
 * Standard Webhooks headers for one attempt. `webhook-id` is the event id, so
 * it is the same on every retry (receivers deduplicate on it); the timestamp
 * and signature are fresh per attempt, so a receiver's 5-minute tolerance holds.
 */
export function signDelivery(secret: string, eventId: string, body: string, now: Date = new Date()): Record<string, string> {
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': new Webhook(secret).sign(eventId, at, body),
    'content-type': WEBHOOK_CONTENT_TYPE,
  };
}

export type DeliveryErrorCode = 'gone' | 'http_status' | 'blocked' | 'bad_scheme' | 'timeout' | 'network';

export class WebhookDeliveryError extends Error {
  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    /** False: retrying cannot help (SSRF block, bad URL, 410). */
    readonly retryable: boolean,
    readonly status?: number,
    /** From the receiver's Retry-After; the backoff strategy waits this long instead. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

/** Retry-After as delta-seconds or an HTTP date → ms from now. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Any 2xx is success. 410 Gone means "unsubscribe me": the caller disables the
 * subscription. Every other answer (3xx included: redirects are not followed,
 * as Standard Webhooks advises) is retried; receivers' bugs get fixed, and the
 * schedule spans about a day.
 */
export function classifyResponse(status: number, retryAfter: string | undefined, url: string): WebhookDeliveryError | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 410) return new WebhookDeliveryError('gone', `HTTP 410 Gone from ${url}: subscription disabled`, false, 410);
  return new WebhookDeliveryError('http_status', `HTTP ${status} from ${url}`, true, status, parseRetryAfter(retryAfter));
}

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
  /** 0..1: a delay is drawn from [d × (1 - jitter), d]. */
  jitter: number;
}

/** Longest Retry-After we accept; a receiver asking for more gets this. */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * Delay before retry number `attemptsMade` (1 = first retry): the receiver's
 * Retry-After when it sent one, else base × 2^(n-1) capped at maxMs, jittered
 * so that deliveries failing together do not retry together.
 */
export function webhookBackoffMs(attemptsMade: number, s: BackoffSettings, err?: unknown, random: () => number = Math.random): number {
  const retryAfterMs = err instanceof WebhookDeliveryError ? err.retryAfterMs : undefined;
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS);
  const full = Math.min(s.maxMs, s.baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(full * (1 - s.jitter * random()));
}

export interface WebhookSender {
  /** POSTs `body`; resolves with the status on 2xx, throws WebhookDeliveryError otherwise. */
  post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; ms: number }>;
  close(): Promise<void>;
}

export interface SenderOptions {
  allowPrivateCidrs: string[];
  connectTimeoutMs: number;
  timeoutMs: number;
  userAgent: string;
}

/** POST client with the same SSRF guard as fetching: checked after DNS, at connect time, IP literals before. */
export function createWebhookSender(opts: SenderOptions): WebhookSender {
  const policy = createAddressPolicy(opts.allowPrivateCidrs);
  const agent = new Agent({
    connect: { timeout: opts.connectTimeoutMs, lookup: guardedLookup(policy) },
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });
  return {
    async post(rawUrl, body, headers) {
      const started = performance.now();
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch {
        throw new WebhookDeliveryError('bad_scheme', 'webhook URL is not a URL', false);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new WebhookDeliveryError('bad_scheme', `refused scheme ${url.protocol}`, false);
      }
      try {
        checkLiteralHost(url.hostname, policy);
        const res = await request(url, {
          method: 'POST',
          body,
          headers: { 'user-agent': opts.userAgent, ...headers },
          dispatcher: agent,
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        // The answer's body is not used; read a little so the connection can be reused.
        await res.body.dump({ limit: 64 * 1024 });
        const retryAfter = res.headers['retry-after'];
        const failure = classifyResponse(res.statusCode, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, url.origin);
        if (failure) throw failure;
        return { status: res.statusCode, ms: Math.round(performance.now() - started) };
      } catch (err) {
        throw classifySendError(err, url.origin, opts.timeoutMs);
      }
    },
    close: () => agent.close(),
  };
}

function classifySendError(err: unknown, origin: string, timeoutMs: number): WebhookDeliveryError {
  if (err instanceof WebhookDeliveryError) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: unknown };
  const blocked = err instanceof BlockedAddressError ? err : e.cause instanceof BlockedAddressError ? e.cause : undefined;
  if (blocked) return new WebhookDeliveryError('blocked', blocked.message, false);
  const timedOut = e.name === 'TimeoutError' || /TIMEOUT/.test(e.code ?? '');
  if (timedOut) return new WebhookDeliveryError('timeout', `timed out after ${timeoutMs} ms posting to ${origin}`, true);
  return new WebhookDeliveryError('network', `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(err)} (${origin})`, true);
}

// ---- disabled subscriptions (HTTP 410) ----

export function webhookDisabledKey(prefix: string, subscriptionId: string): string {
  return `${prefix}:webhook:disabled:${subscriptionId}`;
}

export interface DisabledMarker {
  at: string;
  status: number;
  reason: string;
}

/** Persisted without TTL: a 410 is final until an operator deletes the marker. */
export async function disableSubscription(redis: Redis, prefix: string, subscriptionId: string, marker: DisabledMarker): Promise<void> {
  await redis.set(webhookDisabledKey(prefix, subscriptionId), JSON.stringify(marker));
}

export async function disabledSubscriptions(redis: Redis, prefix: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const values = await redis.mget(...ids.map((id) => webhookDisabledKey(prefix, id)));
  return new Set(ids.filter((_, i) => values[i] !== null));
}
