import type { Command } from 'commander';
import { startStageWorkers, warmUpStages } from '../../workers';
import { openRuntime } from '../../workers/runtime';
import { startWebhookWorker } from '../../workers/webhooks';
import { syncFeedSchedulers } from '../../workers/schedule';
import type { StageName } from '../types';
import { STAGES } from '../types';
import { createLogger } from '../util/logger';
import { InvalidArgumentError } from 'commander';
import { createProcessRegistry } from '../metrics/registry';
import { startMetricsServer } from '../metrics/server';
import { config, parseStages, shutdownSignal } from './common';

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('expected a TCP port (0-65535)');
  return n;
}

/**
 * A supervisor that spawns workers (the load harness: benches, the fault suite) names its pid here, and
 * the workers shut down gracefully once it is gone (re-parented), instead of outliving it as orphans.
 */
function exitWithParent(pid: string | undefined): void {
  const parent = Number(pid);
  if (!parent) return;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 1000).unref();
}

/** `storyline worker --stages …`: any subset of stages in this process. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('run workers for a subset of stages in this process')
    .option('--stages <list>', `comma-separated stages (${STAGES.join(',')}) or all`, parseStages, [...STAGES])
    .option(
      '--metrics-port <port>',
      "serve this process's default metrics on /metrics (pipeline metrics are on the API's /metrics)",
      parsePort,
    )
    .option(
      '--no-webhooks',
      'do not deliver webhooks in this process (by default every worker process does when subscriptions are configured)',
    )
    .action(async (opts: { stages: StageName[]; metricsPort?: number; webhooks: boolean }) => {
      const cfg = config();
      const log = createLogger(cfg.log.level, { role: 'worker' });
      exitWithParent(process.env.STORYLINE_EXIT_WITH_PARENT);
      const rt = await openRuntime(cfg, log);
      // Every process running the feeds stage (re)creates the schedulers: upserts are idempotent.
      if (opts.stages.includes('feeds')) await syncFeedSchedulers(rt.queues.feeds, rt.store, cfg, cfg.feeds.list, log);
      // Before the first job: thread start, jsdom and the tagger's model are not the first articles' cost.
      await warmUpStages(opts.stages, cfg).then(
        (report) => log.info({ stages: opts.stages, ...report }, 'warmed up'),
        (err: Error) => log.warn({ err: err.message }, 'warm-up failed: the first jobs will pay for it'),
      );
      const workers = startStageWorkers(opts.stages, rt);
      const webhooks = opts.webhooks && cfg.webhooks.subscriptions.length ? startWebhookWorker(rt) : undefined;
      log.info({ stages: opts.stages, webhooks: !!webhooks, prefix: cfg.redis.prefix }, 'workers started');
      const metrics =
        opts.metricsPort === undefined
          ? undefined
          : await startMetricsServer(createProcessRegistry({ role: 'worker', stages: opts.stages.join(',') }), opts.metricsPort);
      if (metrics) log.info({ url: metrics.url }, 'worker metrics listening');
      await shutdownSignal(log);
      await metrics?.close();
      await workers.close();
      await webhooks?.close();
      await rt.close();
      log.info('workers stopped');
    });
}
