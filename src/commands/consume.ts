import { hostname } from 'node:os';
import type { Command } from 'commander';
import pino from 'pino';
import { consumeEvents } from '../consume/consumer';
import { keyspace } from '../store/keys';
import { createRedis } from '../store/redis';
import { config, shutdownSignal } from './common';

interface ConsumeCliOptions {
  group: string;
  consumer: string;
  fromStart?: boolean;
  json?: boolean;
  claimIdle: number;
}

/** `storyline consume --group NAME`: the reference consumer of the events stream (at least once). */
export function register(program: Command): void {
  program
    .command('consume')
    .description('read the events stream in a consumer group and print one line per event (at-least-once; dedupe on the event id)')
    .requiredOption('--group <name>', 'consumer group')
    .option('--consumer <name>', 'consumer name: keep it stable across restarts, unique among live consumers', hostname())
    .option('--from-start', 'a new group starts at the beginning of the stream (default: only new events)')
    .option('--json', 'print each CloudEvent as one JSON line')
    .option('--claim-idle <ms>', 'take over entries idle this long on other consumers', (v) => Number(v), 60_000)
    .action(async (opts: ConsumeCliOptions) => {
      const cfg = config();
      // Logs go to stderr: stdout carries only the events. Nothing secret is logged here.
      const log = pino({ level: cfg.log.level, base: { pid: process.pid, role: 'consume' } }, pino.destination(2));
      const redis = createRedis(cfg.redis.url);
      redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
      const abort = new AbortController();
      void shutdownSignal(log).then(() => abort.abort());
      try {
        await consumeEvents({
          redis,
          stream: keyspace(cfg.redis.prefix).events(cfg.publish.stream),
          group: opts.group,
          consumer: opts.consumer,
          fromStart: opts.fromStart,
          claimIdleMs: opts.claimIdle,
          signal: abort.signal,
          logger: log,
          handler: (e) => {
            if (opts.json) {
              process.stdout.write(e.json + '\n');
            } else {
              const ev = e.event as { subject?: string; time?: string; data?: { title?: string; article?: { title?: string } } };
              const title = ev.data?.title ?? ev.data?.article?.title ?? '';
              process.stdout.write(`${e.streamId}\t${e.type}\t${e.id}\t${ev.time ?? ''}\t${title}\n`);
            }
          },
        });
      } finally {
        redis.disconnect();
      }
    });
}
