import { DelayedError, type Job } from 'bullmq';
import { HostBusyError, HostLimiter } from '../src/fetch/host-limiter';
import type { StageContext } from './context';

/** How long a job may wait in-process for a host slot before it is delayed instead (freeing its worker slot). */
export const MAX_INLINE_HOST_WAIT_MS = 5_000;

const limiters = new WeakMap<StageContext, HostLimiter>();

/** One per-host limiter per process context, on the context's Redis connection. */
export function hostLimiterFor(ctx: StageContext): HostLimiter {
  let limiter = limiters.get(ctx);
  if (!limiter) {
    limiter = new HostLimiter(ctx.redis, ctx.cfg.redis.prefix, {
      concurrency: ctx.cfg.fetch.perHostConcurrency,
      spacingMs: ctx.cfg.fetch.perHostSpacingMs,
      // The whole request is bounded by timeoutMs; the margin covers reading the body out.
      leaseMs: ctx.cfg.fetch.timeoutMs + 5_000,
    });
    limiters.set(ctx, limiter);
  }
  return limiter;
}

/**
 * A host that stays busy: put the job back as delayed (no attempt is used up)
 * and tell BullMQ so with DelayedError. Returns normally for any other error.
 */
export async function deferIfHostBusy(job: Job, err: unknown): Promise<void> {
  if (!(err instanceof HostBusyError) || !job.token) return;
  await job.moveToDelayed(Date.now() + err.retryInMs + Math.floor(Math.random() * 250), job.token);
  throw new DelayedError(err.message);
}
