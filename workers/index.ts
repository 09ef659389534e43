import { Worker, type Job, type Processor } from 'bullmq';
import { QUEUE_NAMES, workerOptions } from '../queues';
import type { StageName } from '../src/types';
import type { StageContext } from './context';
import { processExtractJob } from './extract';
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
    const processor: Processor = (job) => STAGE_PROCESSORS[stage](job, ctx);
    const worker = new Worker(QUEUE_NAMES[stage], processor, workerOptions(ctx.cfg, stage));
    const log = ctx.logger.child({ queue: stage });
    worker.on('failed', (job, err) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err.name === 'UnrecoverableError';
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
    },
  };
}
