import { Worker, type Job, type Processor } from 'bullmq';
import { QUEUE_NAMES, workerOptions } from '../queues';
import { recordFailed } from '../src/audit';
import { instrumentHttpClient, recordJob, type JobTimes } from '../src/metrics/recorder';
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
    const processor: Processor = (job) => STAGE_PROCESSORS[stage](job, stageCtx);
    const worker = new Worker(QUEUE_NAMES[stage], processor, workerOptions(ctx.cfg, stage));
    const log = ctx.logger.child({ queue: stage });
    const onMetricsError = (err: Error) => log.warn({ err: err.message }, 'metrics not recorded');
    worker.on('completed', (job, result) => {
      void recordJob(ctx, stage, 'completed', jobTimes(job), domainCounters(stage, result), onMetricsError);
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      void recordJob(ctx, stage, 'failed', jobTimes(job), [], onMetricsError);
      const final =
        job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError' || /stalled more than/.test(err.message);
      const articleId = (job.data as { articleId?: unknown } | undefined)?.articleId;
      if (final && stage !== 'feeds' && typeof articleId === 'string') {
        // Accounting (src/audit): the article's outcome is this failure until a replay publishes it.
        recordFailed(ctx.redis, ctx.store.keys, articleId, {
          stage,
          jobId: job.id ?? '',
          reason: err.message,
          attempts: job.attemptsMade,
        }).catch((e: Error) => log.warn({ err: e.message, articleId }, 'failure not recorded in the audit'));
      }
      log[final ? 'error' : 'warn'](
        {
          jobId: job.id,
          articleId: job.data?.articleId,
          feedId: job.data?.feedId,
          storyId: job.data?.storyId,
          attemptsMade: job.attemptsMade,
          final,
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
    },
  };
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
