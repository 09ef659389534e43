import type { Command } from 'commander';
import { startStageWorkers } from '../../workers';
import { openRuntime } from '../../workers/runtime';
import { syncFeedSchedulers } from '../../workers/schedule';
import type { StageName } from '../types';
import { STAGES } from '../types';
import { createLogger } from '../util/logger';
import { config, parseStages, shutdownSignal } from './common';

/** `storyline worker --stages …`: any subset of stages in this process. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('run workers for a subset of stages in this process')
    .option('--stages <list>', `comma-separated stages (${STAGES.join(',')}) or all`, parseStages, [...STAGES])
    .action(async (opts: { stages: StageName[] }) => {
      const cfg = config();
      const log = createLogger(cfg.log.level, { role: 'worker' });
      const rt = await openRuntime(cfg, log);
      // Every process running the feeds stage (re)creates the schedulers: upserts are idempotent.
      if (opts.stages.includes('feeds')) await syncFeedSchedulers(rt.queues.feeds, rt.store, cfg);
      const workers = startStageWorkers(opts.stages, rt);
      log.info({ stages: opts.stages, prefix: cfg.redis.prefix }, 'workers started');
      await shutdownSignal(log);
      await workers.close();
      await rt.close();
      log.info('workers stopped');
    });
}
