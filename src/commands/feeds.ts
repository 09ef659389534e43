import type { Command } from 'commander';
import { openRuntime } from '../../workers/runtime';
import { scheduleFeed, unscheduleFeed } from '../../workers/schedule';
import { createLogger } from '../util/logger';
import { config } from './common';

/** `storyline feeds …`: the feed registry. */
export function register(program: Command): void {
  const feeds = program.command('feeds').description('manage the feed registry');
  feeds
    .command('list')
    .description('list registered feeds with their polling state')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      try {
        const list = await rt.store.listFeeds();
        const rows = await Promise.all(list.map(async (f) => ({ ...f, state: await rt.store.getFeedState(f.id) })));
        if (opts.json) {
          process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        } else if (!rows.length) {
          process.stdout.write('No feeds registered. Start a worker with the feeds stage, or `storyline feeds add ID URL`.\n');
        } else {
          for (const r of rows) {
            const s = r.state;
            const status = s.consecutiveErrors ? `ERRORS x${s.consecutiveErrors}: ${s.lastError}` : s.lastSuccessAt ? 'ok' : 'never polled';
            process.stdout.write(`${r.id}\t${r.url}\n\tlast poll ${s.lastPollAt ?? '-'}, items seen ${s.itemsSeen}, status ${status}\n`);
          }
        }
      } finally {
        await rt.close();
      }
    });
  feeds
    .command('add <id> <url>')
    .description('register a feed and schedule its polling')
    .option('--title <title>')
    .option('--every <ms>', 'poll interval in ms', (v) => Number(v))
    .action(async (id: string, url: string, opts: { title?: string; every?: number }) => {
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      try {
        const feed = { id, url, title: opts.title, pollIntervalMs: opts.every };
        await rt.store.upsertFeed(feed);
        await scheduleFeed(rt.queues.feeds, cfg, feed);
        process.stdout.write(`feed ${id} added\n`);
      } finally {
        await rt.close();
      }
    });
  feeds
    .command('remove <id>')
    .description('unregister a feed and stop polling it')
    .action(async (id: string) => {
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      try {
        await unscheduleFeed(rt.queues.feeds, id);
        const existed = await rt.store.removeFeed(id);
        process.stdout.write(existed ? `feed ${id} removed\n` : `no feed ${id}\n`);
      } finally {
        await rt.close();
      }
    });
}
