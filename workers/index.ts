import { Worker, type Job, type Processor } from 'bullmq';
import { QUEUE_NAMES, workerOptions } from '../queues';
import { recordFailed } from '../src/audit';
import { flushMetrics, instrumentHttpClient, recordJob, type JobTimes } from '../src/metrics/recorder';
import type { StageName } from '../src/types';
import type { StageContext } from './context';
import { closeExtractPools, processExtractJob } from './extract';
import { processFeedsJob } from './feeds';
import { processFetchJob } from './fetch';
import { processMergeJob } from './merge';
import { processPublishJob } from './publish';
import { processTagJob } from './tag';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StageProcessor = (job: Job<any>, ctx: StageContext) => Promise<unknown>;

export { warmUpStages } from './warm-up';

export const STAGE_PROCESSORS: Record<StageName, StageProcessor> = {
  feeds: processFeedsJob,
  fetch: processFetchJob,
  extract: processExtractJob,
  tag: processTagJob,
  merge: processMergeJob,
  publish: processPublishJob,
};

export interface RunningWorkers {
  workers: Worker[];
  /** Graceful: stop taking jobs, let the ones in flight finish, then close connections. */
  close(): Promise<void>;
}

/** Starts one BullMQ worker per requested stage in this process. */
export function startStageWorkers(stages: StageName[], ctx: StageContext): RunningWorkers {
  const workers = stages.map((stage) => {
    // Feed and page fetches are counted by outcome class (src/metrics): the stage sees the same client API.
    const stageCtx: StageContext =
      stage === 'feeds' || stage === 'fetch'
        ? { ...ctx, http: instrumentHttpClient(ctx.http, ctx, stage === 'feeds' ? 'feed' : 'page') }
        : ctx;
    const log = ctx.logger.child({ queue: stage });
    /** Jobs whose final failure the processor already put in the audit. */
    const accounted = new WeakSet<Job>();
    /** Accounting (src/audit): the article's outcome is this failure until a replay publishes it. True once written. */
    const recordFinal = async (job: Job, reason: string, attempts: number): Promise<boolean> => {
      const articleId = (job.data as { articleId?: unknown } | undefined)?.articleId;
      if (stage === 'feeds' || typeof articleId !== 'string') return true;
      try {
        await recordFailed(ctx.redis, ctx.store.keys, articleId, { stage, jobId: job.id ?? '', reason, attempts });
        return true;
      } catch (e) {
        log.warn({ err: (e as Error).message, articleId }, 'failure not recorded in the audit');
        return false;
      }
    };
    const processor: Processor = async (job) => {
      try {
        return await STAGE_PROCESSORS[stage](job, stageCtx);
      } catch (err) {
        // A last attempt's failure goes into the audit before BullMQ moves the job to the failed set: a process
        // killed between the two would otherwise leave a failed job whose article has no outcome (lost).
        // If the job runs again after all (its lock lapsed), its next outcome replaces this one.
        if (isFinalFailure(job, err) && (await recordFinal(job, (err as Error)?.message ?? String(err), job.attemptsMade + 1))) {
          accounted.add(job);
        }
        throw err;
      }
    };
    const worker = new Worker(QUEUE_NAMES[stage], processor, workerOptions(ctx.cfg, stage));
    const onMetricsError = (err: Error) => log.warn({ err: err.message }, 'metrics not recorded');
    worker.on('completed', (job, result) => {
      recordJob(ctx, stage, 'completed', jobTimes(job), domainCounters(stage, result), onMetricsError);
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      recordJob(ctx, stage, 'failed', jobTimes(job), [], onMetricsError);
      const final =
        job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError' || /stalled more than/.test(err.message);
      // Failures the processor did not see (a job stalled too often fails before it runs) are accounted here.
      if (final && !accounted.has(job)) void recordFinal(job, err.message, job.attemptsMade);
      log[final ? 'error' : 'warn'](
        {
          jobId: job.id,
          articleId: job.data?.articleId,
          feedId: job.data?.feedId,
          storyId: job.data?.storyId,
          attemptsMade: job.attemptsMade,
          final,
          // A 429/503's Retry-After: the next attempt waits at least this long (queues/stageBackoffMs).
          retryAfterMs: (err as { retryAfterMs?: number }).retryAfterMs,
          // The delay BullMQ gave the next attempt (set on the job by moveToFailed).
          retryInMs: final ? undefined : job.delay,
          err: err.message,
        },
        final ? 'job failed for good: in the failed set' : 'job failed: will retry',
      );
    });
    // Without a listener an 'error' event would crash the process; connection
    // errors are retried by ioredis, so logging is the right response.
    worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
    worker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled: will be retried'));
    void worker.run();
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await closeExtractPools();
      // Metrics are written once a second: the last second's go out before the connection closes.
      await flushMetrics(ctx);
    },
  };
}

/** BullMQ's control-flow errors: the job was moved (delayed, rate-limited, waiting), not failed. */
const NOT_FAILURES = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError', 'RateLimitError']);

/** Whether this error from a processor ends the job in the failed set (no retry left, or not retryable). */
function isFinalFailure(job: Job, err: unknown): boolean {
  const name = (err as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string' && NOT_FAILURES.has(name)) return false;
  return name === 'UnrecoverableError' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/** Processing and queue-wait timestamps of a finished job; the wait is only measured on a first attempt. */
function jobTimes(job: Job): JobTimes {
  const firstAttempt = (job.attemptsStarted ?? 1) <= 1;
  return {
    readyAt: firstAttempt ? job.timestamp + (job.delay || job.opts.delay || 0) : undefined,
    processedOn: job.processedOn,
    finishedOn: job.finishedOn ?? Date.now(),
  };
}

/** Articles, stories and events counters, from what the stage processors return. */
function domainCounters(stage: StageName, result: unknown): Array<{ metric: string; labels?: Record<string, string>; by?: number }> {
  const r = (result ?? {}) as { created?: unknown; appended?: unknown };
  if (stage === 'extract') return [{ metric: 'storyline_articles_total' }];
  if (stage === 'merge') return [{ metric: 'storyline_stories_total', labels: { kind: r.created ? 'created' : 'updated' } }];
  if (stage === 'publish' && typeof r.appended === 'number') return [{ metric: 'storyline_events_total', by: r.appended }];
  return [];
}
