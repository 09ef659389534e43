import type { Command } from 'commander';
import { openRuntime } from '../../workers/runtime';
import type { StageName } from '../types';
import { STAGES } from '../types';
import { createLogger } from '../util/logger';
import { config, parseStages } from './common';

/** The stage queues plus the webhooks delivery queue (not a stage, but its failures are replayed the same way). */
type FailedQueue = StageName | 'webhooks';
const FAILED_QUEUES: readonly FailedQueue[] = [...STAGES, 'webhooks'];
const parseQueue = (v: string): FailedQueue => (v.trim() === 'webhooks' ? 'webhooks' : parseStages(v)[0]);

/** `storyline failed …`: inspect and replay failed jobs. */
export function register(program: Command): void {
  const failed = program.command('failed').description('inspect and replay failed jobs');
  failed
    .command('list')
    .option('--stage <stage>', 'only this stage (or webhooks)', parseQueue)
    .action(async (opts: { stage?: FailedQueue }) => {
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      try {
        for (const stage of opts.stage ? [opts.stage] : FAILED_QUEUES) {
          for (const job of await rt.queues[stage].getFailed(0, 999)) {
            process.stdout.write(`${stage}\t${job.id}\tattempts=${job.attemptsMade}\t${job.failedReason}\n`);
          }
        }
      } finally {
        await rt.close();
      }
    });
  failed
    .command('replay')
    .description('move failed jobs back to waiting')
    .option('--stage <stage>', 'only this stage (or webhooks)', parseQueue)
    .option('--job <id>', 'only this job id')
    .action(async (opts: { stage?: FailedQueue; job?: string }) => {
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      try {
        let n = 0;
        for (const stage of opts.stage ? [opts.stage] : FAILED_QUEUES) {
          for (const job of await rt.queues[stage].getFailed(0, 9999)) {
            if (opts.job && job.id !== opts.job) continue;
            await job.retry('failed');
            n++;
          }
        }
        process.stdout.write(`${n} job(s) replayed\n`);
      } finally {
        await rt.close();
      }
    });
}
