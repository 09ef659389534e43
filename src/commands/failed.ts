import type { Job } from 'bullmq';
import { InvalidArgumentError, type Command } from 'commander';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { classifyFailure, clearFailed, FAILURE_CLASSES } from '../audit';
import type { StageName } from '../types';
import { STAGES } from '../types';
import { createLogger } from '../util/logger';
import { config, parseStages } from './common';

/** The stage queues plus the webhooks delivery queue (not a stage, but its failures are replayed the same way). */
type FailedQueue = StageName | 'webhooks';
const FAILED_QUEUES: readonly FailedQueue[] = [...STAGES, 'webhooks'];
const parseQueue = (v: string): FailedQueue => (v.trim() === 'webhooks' ? 'webhooks' : parseStages(v)[0]);

interface Filter {
  stage?: FailedQueue;
  class?: string;
  job?: string;
}

/** Failed jobs matching the filter, with their queue and error class. */
async function failedJobs(rt: Runtime, f: Filter, max = 9999): Promise<Array<{ stage: FailedQueue; job: Job; cls: string }>> {
  const out: Array<{ stage: FailedQueue; job: Job; cls: string }> = [];
  for (const stage of f.stage ? [f.stage] : FAILED_QUEUES) {
    for (const job of await rt.queues[stage].getFailed(0, max)) {
      const cls = classifyFailure(job.failedReason);
      if (f.class && cls !== f.class) continue;
      if (f.job && job.id !== f.job) continue;
      out.push({ stage, job, cls });
    }
  }
  return out;
}

const classHelp = `error class (${Object.keys(FAILURE_CLASSES).join(', ')})`;

/** A --class value must be a known class: a typo would otherwise list or replay nothing and exit 0. */
function parseClass(value: string): string {
  if (!Object.prototype.hasOwnProperty.call(FAILURE_CLASSES, value)) {
    throw new InvalidArgumentError(`unknown error class "${value}"; known: ${Object.keys(FAILURE_CLASSES).join(', ')}`);
  }
  return value;
}

/** `storyline failed …`: inspect and replay failed jobs. */
export function register(program: Command): void {
  const failed = program.command('failed').description('inspect and replay failed jobs');
  failed
    .command('list')
    .option('--stage <stage>', 'only this stage (or webhooks)', parseQueue)
    .option('--class <class>', `only this ${classHelp}`, parseClass)
    .option('--json', 'one JSON object per line')
    .action(async (opts: Filter & { json?: boolean }) => {
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      try {
        for (const { stage, job, cls } of await failedJobs(rt, opts, 999)) {
          if (opts.json) {
            const row = { stage, jobId: job.id, class: cls, attempts: job.attemptsMade, reason: job.failedReason, data: job.data };
            process.stdout.write(JSON.stringify(row) + '\n');
          } else {
            process.stdout.write(`${stage}\t${job.id}\tattempts=${job.attemptsMade}\tclass=${cls}\t${job.failedReason}\n`);
          }
        }
      } finally {
        await rt.close();
      }
    });
  failed
    .command('classes')
    .description('the error classes that --class accepts')
    .action(() => {
      for (const [cls, what] of Object.entries(FAILURE_CLASSES)) process.stdout.write(`${cls}\t${what}\n`);
    });
  failed
    .command('show <jobId>')
    .description("a failed job's data, attempts, reason and stacktrace")
    .option('--stage <stage>', 'the stage to look in (default: all)', parseQueue)
    .action(async (jobId: string, opts: { stage?: FailedQueue }) => {
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      try {
        const found: Array<{ stage: FailedQueue; job: Job }> = [];
        for (const stage of opts.stage ? [opts.stage] : FAILED_QUEUES) {
          const job = await rt.queues[stage].getJob(jobId);
          if (job) found.push({ stage, job });
        }
        if (!found.length) throw new Error(`no job ${jobId}${opts.stage ? ` in ${opts.stage}` : ''}`);
        for (const { stage, job } of found) {
          const state = await job.getState();
          const lines = [
            `stage:     ${stage}`,
            `job:       ${job.id}`,
            `state:     ${state}`,
            `attempts:  ${job.attemptsMade} of ${job.opts.attempts ?? 1}`,
            `class:     ${job.failedReason ? classifyFailure(job.failedReason) : '-'}`,
            `reason:    ${job.failedReason ?? '-'}`,
            `created:   ${new Date(job.timestamp).toISOString()}`,
            `finished:  ${job.finishedOn ? new Date(job.finishedOn).toISOString() : '-'}`,
            `data:      ${JSON.stringify(job.data)}`,
            'stacktrace:',
            ...(job.stacktrace?.length ? job.stacktrace.map((s, i) => `  [attempt ${i + 1}] ${s.replace(/\n/g, '\n    ')}`) : ['  -']),
          ];
          process.stdout.write(lines.join('\n') + '\n');
        }
      } finally {
        await rt.close();
      }
    });
  failed
    .command('replay')
    .description('move failed jobs back to waiting')
    .option('--stage <stage>', 'only this stage (or webhooks)', parseQueue)
    .option('--class <class>', `only this ${classHelp}`, parseClass)
    .option('--job <id>', 'only this job id')
    .action(async (opts: Filter) => {
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      try {
        let n = 0;
        for (const { stage, job } of await failedJobs(rt, opts)) {
          // The article is in flight again (cleared first, so a quick new failure is not erased); its next outcome replaces this one.
          const articleId = (job.data as { articleId?: unknown })?.articleId;
          if (stage !== 'webhooks' && typeof articleId === 'string') await clearFailed(rt.redis, rt.store.keys, articleId);
          await job.retry('failed');
          n++;
        }
        process.stdout.write(`${n} job(s) replayed\n`);
      } finally {
        await rt.close();
      }
    });
}
