import { Queue, type ConnectionOptions, type JobsOptions, type QueueOptions, type WorkerOptions } from 'bullmq';
import type { StorylineConfig } from '../config';
import type { StageName } from '../src/types';
import { STAGES } from '../src/types';

/**
 * One BullMQ queue per stage. Names are the stage names; all keys live under
 * the configured prefix (`{prefix}:{stage}:…`). On Redis Cluster, set the
 * prefix to a hash tag such as `{storyline}` so each queue's keys share a slot.
 */
export const QUEUE_NAMES: Record<StageName, string> = {
  feeds: 'feeds',
  fetch: 'fetch',
  extract: 'extract',
  tag: 'tag',
  merge: 'merge',
  publish: 'publish',
};

/**
 * Connection options BullMQ needs. Workers use blocking commands, so ioredis
 * must never give up on a command (`maxRetriesPerRequest: null`); reconnects
 * back off up to 5 s so a Redis restart is ridden out rather than fatal.
 */
export function connectionOptions(redisUrl: string): ConnectionOptions {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times: number) => Math.min(100 * 2 ** times, 5_000),
  };
}

/**
 * Name of the stage jobs' backoff strategy (stageBackoffMs, set on every stage
 * worker by workerOptions): BullMQ's built-in 'exponential' never consults a
 * custom strategy, so it could not honour an origin's Retry-After.
 */
export const STAGE_BACKOFF_TYPE = 'stage';

/** The longest a Retry-After may postpone a stage job's next attempt. */
export const MAX_STAGE_RETRY_AFTER_MS = 3600_000;

/**
 * Delay before a stage job's next attempt: BullMQ's jittered exponential
 * (delay × 2^(attempt−1), minus up to `jitter` of it), or the error's
 * `retryAfterMs` (a 429/503 Retry-After, see src/fetch/http.ts) when that is
 * longer, capped at MAX_STAGE_RETRY_AFTER_MS.
 */
export function stageBackoffMs(
  attemptsMade: number,
  backoff: { delay?: number; jitter?: number } | undefined,
  err?: unknown,
  random: () => number = Math.random,
): number {
  const full = Math.round(2 ** Math.max(0, attemptsMade - 1) * (backoff?.delay ?? 1000));
  const exponential = Math.floor(full * (1 - (backoff?.jitter ?? 0) * random()));
  const retryAfterMs = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs)) return exponential;
  return Math.max(exponential, Math.min(Math.max(0, Math.ceil(retryAfterMs)), MAX_STAGE_RETRY_AFTER_MS));
}

/** Default job options: bounded retries with jittered exponential backoff (or Retry-After), bounded history. */
export function defaultJobOptions(cfg: StorylineConfig): JobsOptions {
  return {
    attempts: cfg.jobs.attempts,
    backoff: { type: STAGE_BACKOFF_TYPE, delay: cfg.jobs.backoffDelayMs, jitter: cfg.jobs.backoffJitter },
    removeOnComplete: { count: cfg.retention.completedCount, age: cfg.retention.completedAgeSec },
    removeOnFail: { count: cfg.retention.failedCount, age: cfg.retention.failedAgeSec },
  };
}

/**
 * Deterministic job ids: one job per (stage, record) while it exists, so a
 * re-polled or retried item does not run a stage twice. BullMQ refuses ids
 * containing ':' or looking like integers, hence the `stage-id` form.
 */
export function jobIdFor(stage: StageName, recordId: string): string {
  return `${stage}-${recordId}`;
}

export function queueOptions(cfg: StorylineConfig): QueueOptions {
  return {
    connection: connectionOptions(cfg.redis.url),
    prefix: cfg.redis.prefix,
    defaultJobOptions: defaultJobOptions(cfg),
  };
}

export function workerOptions(cfg: StorylineConfig, stage: StageName): WorkerOptions {
  return {
    connection: connectionOptions(cfg.redis.url),
    prefix: cfg.redis.prefix,
    concurrency: cfg.concurrency[stage],
    // A long extraction must not let its lock lapse and the job run twice.
    lockDuration: stage === 'extract' ? cfg.jobs.extractLockDurationMs : cfg.jobs.lockDurationMs,
    // A job whose worker died is handed back within lockDuration + stalledInterval.
    stalledInterval: cfg.jobs.stalledIntervalMs,
    maxStalledCount: 2,
    autorun: false,
    // Jobs added with the older built-in 'exponential' type keep using BullMQ's own strategy.
    settings: {
      backoffStrategy: (attemptsMade, _type, err, job) => {
        const b = job?.opts.backoff;
        return stageBackoffMs(attemptsMade, typeof b === 'number' ? { delay: b } : b, err);
      },
    },
  };
}

/**
 * Webhook deliveries have their own queue beside the stages. It is not a
 * pipeline stage: nothing follows it, its retries span hours (see
 * webhookJobOptions) and its failures say nothing about the pipeline.
 */
export const WEBHOOKS_QUEUE = 'webhooks';

/** Name of the custom backoff strategy the webhook worker implements (workers/webhooks.ts). */
export const WEBHOOK_BACKOFF_TYPE = 'webhook';

export function webhookJobOptions(cfg: StorylineConfig): JobsOptions {
  return {
    attempts: cfg.webhooks.attempts,
    // Custom: exponential from backoffBaseMs up to backoffMaxMs, or the receiver's Retry-After.
    backoff: { type: WEBHOOK_BACKOFF_TYPE },
    removeOnComplete: { count: cfg.retention.completedCount, age: cfg.retention.completedAgeSec },
    removeOnFail: { count: cfg.retention.failedCount, age: cfg.retention.failedAgeSec },
  };
}

export type StageQueues = Record<StageName, Queue> & { webhooks: Queue };

/** Opens the six stage queues and the webhooks queue (producers only). */
export function openQueues(cfg: StorylineConfig): StageQueues {
  const opts = queueOptions(cfg);
  const queues = {} as StageQueues;
  for (const stage of STAGES) queues[stage] = new Queue(QUEUE_NAMES[stage], opts);
  queues.webhooks = new Queue(WEBHOOKS_QUEUE, { ...opts, defaultJobOptions: webhookJobOptions(cfg) });
  return queues;
}

/**
 * The merge stage is a single writer across all processes and hosts: BullMQ's
 * global concurrency makes Redis hand out at most one merge job at a time.
 */
export async function applyQueuePolicies(queues: StageQueues): Promise<void> {
  await queues.merge.setGlobalConcurrency(1);
}

export async function closeQueues(queues: StageQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
