import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { connectionOptions, WEBHOOKS_QUEUE } from '../queues';
import {
  createWebhookSender,
  disabledSubscriptions,
  disableSubscription,
  signDelivery,
  webhookBackoffMs,
  WebhookDeliveryError,
  type WebhookJobData,
  type WebhookSender,
} from '../src/publish/webhooks';
import type { StageContext } from './context';

export type WebhookResult = { delivered: true; status: number; ms: number } | { delivered: false; skipped: 'disabled' };

/**
 * webhooks queue: POST one event to one subscription, signed per Standard
 * Webhooks. Retryable failures are thrown as-is (the custom backoff strategy
 * below picks the delay); 410 disables the subscription; SSRF refusals and bad
 * URLs fail at once.
 */
export async function processWebhookJob(job: Job<WebhookJobData>, ctx: StageContext, sender: WebhookSender): Promise<WebhookResult> {
  const { subscriptionId, eventId } = job.data;
  const prefix = ctx.cfg.redis.prefix;
  const log = ctx.logger.child({ queue: WEBHOOKS_QUEUE, jobId: job.id, subscriptionId, eventId });
  const sub = ctx.cfg.webhooks.subscriptions.find((s) => s.id === subscriptionId);
  if (!sub) throw new UnrecoverableError(`unknown webhook subscription ${subscriptionId} (removed from config?)`);
  if ((await disabledSubscriptions(ctx.redis, prefix, [sub.id])).has(sub.id)) {
    log.debug('subscription disabled: delivery skipped');
    return { delivered: false, skipped: 'disabled' };
  }
  try {
    const res = await sender.post(sub.url, job.data.event, signDelivery(sub.secret, eventId, job.data.event));
    log.debug({ status: res.status, ms: res.ms, attempt: job.attemptsMade + 1 }, 'webhook delivered');
    return { delivered: true, ...res };
  } catch (err) {
    if (err instanceof WebhookDeliveryError && err.code === 'gone') {
      await disableSubscription(ctx.redis, prefix, sub.id, { at: new Date().toISOString(), status: 410, reason: err.message });
      log.warn({ url: sub.url }, 'webhook subscription disabled: the receiver answered 410 Gone');
      throw new UnrecoverableError(err.message);
    }
    if (err instanceof WebhookDeliveryError && !err.retryable) throw new UnrecoverableError(`${err.code}: ${err.message}`);
    throw err;
  }
}

export interface RunningWebhookWorker {
  worker: Worker;
  close(): Promise<void>;
}

/** Starts the delivery worker in this process (`storyline worker`, unless --no-webhooks; the demo when subscriptions are set). */
export function startWebhookWorker(ctx: StageContext): RunningWebhookWorker {
  const { cfg } = ctx;
  const sender = createWebhookSender({
    allowPrivateCidrs: cfg.fetch.allowPrivateCidrs,
    connectTimeoutMs: cfg.fetch.connectTimeoutMs,
    timeoutMs: cfg.webhooks.timeoutMs,
    userAgent: cfg.fetch.userAgent,
  });
  const backoff = { baseMs: cfg.webhooks.backoffBaseMs, maxMs: cfg.webhooks.backoffMaxMs, jitter: 0.2 };
  const worker = new Worker<WebhookJobData>(WEBHOOKS_QUEUE, (job) => processWebhookJob(job, ctx, sender), {
    connection: connectionOptions(cfg.redis.url),
    prefix: cfg.redis.prefix,
    concurrency: cfg.webhooks.concurrency,
    maxStalledCount: 2,
    autorun: false,
    settings: { backoffStrategy: (attemptsMade, _type, err) => webhookBackoffMs(attemptsMade, backoff, err) },
  });
  const log = ctx.logger.child({ queue: WEBHOOKS_QUEUE });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
    log[final ? 'error' : 'warn'](
      {
        jobId: job.id,
        subscriptionId: job.data.subscriptionId,
        eventId: job.data.eventId,
        attemptsMade: job.attemptsMade,
        retryAfterMs: err instanceof WebhookDeliveryError ? err.retryAfterMs : undefined,
        final,
        err: err.message,
      },
      final ? 'webhook delivery failed for good: in the failed set' : 'webhook delivery failed: will retry',
    );
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  void worker.run();
  let closing: Promise<void> | undefined;
  return {
    worker,
    close() {
      // Idempotent: shutdown paths may call it twice.
      closing ??= worker.close().then(() => sender.close());
      return closing;
    },
  };
}
