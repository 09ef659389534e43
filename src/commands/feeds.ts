import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { scheduleFeed, unscheduleFeed } from '../../workers/schedule';
import { discoverFeed, feedIdFromUrl, FeedDiscoveryError } from '../feeds/discover';
import { parseOpml, toOpml } from '../feeds/opml';
import { FetchError } from '../fetch/http';
import { FEED_ID_PATTERN, type FeedState } from '../store/records';
import type { FeedConfig } from '../types';
import { createLogger } from '../util/logger';
import { config } from './common';

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime(config(), createLogger('warn'));
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

function out(text: string): void {
  process.stdout.write(text + '\n');
}

function statusOf(s: Omit<FeedState, 'recentEntries'>): string {
  if (s.disabledAt) return `DISABLED since ${s.disabledAt}: ${s.disabledReason ?? ''}`;
  if (s.consecutiveErrors) return `ERRORS x${s.consecutiveErrors}: ${s.lastError ?? ''}`;
  return s.lastSuccessAt ? 'ok' : 'never polled';
}

function parseInterval(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1000) throw new InvalidArgumentError('expected milliseconds, at least 1000');
  return n;
}

/**
 * The URL to register: the URL itself when it is a feed, else the feed the
 * site advertises or serves at a common path. A URL that cannot be fetched
 * now is registered as given (its polls will show the error); a page with no
 * feed is refused.
 */
async function resolveFeedUrl(rt: Runtime, url: string): Promise<{ url: string; title?: string; note: string }> {
  try {
    const found = await discoverFeed(rt.http, url);
    const note =
      found.via === 'given'
        ? `${found.feed.format} feed`
        : `discovered ${found.feed.format} feed via ${found.via === 'link' ? '<link rel="alternate">' : 'a common path'}`;
    return { url: found.url, ...(found.title ? { title: found.title } : {}), note };
  } catch (err) {
    if (err instanceof FetchError) {
      process.stderr.write(`warning: could not check ${url} (${err.message}); registered as given\n`);
      return { url, note: 'unchecked' };
    }
    if (err instanceof FeedDiscoveryError) {
      throw new Error(`${err.message}:\n${err.tried.map((t) => `  ${t.url}: ${t.error}`).join('\n')}`);
    }
    throw err;
  }
}

/**
 * Ids a derived feed id must not take: registered feeds, feeds removed by an operator (a new feed under such an
 * id would clear the removal, and the next worker start would seed the configured feed over it) and the
 * configured ones.
 */
async function reservedFeedIds(rt: Runtime, registered: FeedConfig[]): Promise<Set<string>> {
  return new Set([...registered.map((f) => f.id), ...(await rt.store.removedFeedIds()), ...rt.cfg.feeds.list.map((f) => f.id)]);
}

/** `storyline feeds …`: the feed registry. */
export function register(program: Command): void {
  const feeds = program.command('feeds').description('manage the feed registry');
  feeds
    .command('list')
    .description('list registered feeds with their polling state')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) =>
      withRuntime(async (rt) => {
        const list = await rt.store.listFeeds();
        const rows = await Promise.all(
          list.map(async (f) => {
            // The last poll's entry fingerprints are bookkeeping, not something to read.
            const state: Partial<FeedState> = await rt.store.getFeedState(f.id);
            delete state.recentEntries;
            return { ...f, state: state as Omit<FeedState, 'recentEntries'> };
          }),
        );
        if (opts.json) return out(JSON.stringify(rows, null, 2));
        if (!rows.length) return out('No feeds registered. Start a worker with the feeds stage, or `storyline feeds add URL`.');
        for (const r of rows) {
          const s = r.state;
          out(`${r.id}\t${r.url}${r.title ? `\t${r.title}` : ''}`);
          out(`\tstatus ${statusOf(s)}`);
          out(
            `\tlast poll ${s.lastPollAt ?? '-'}, last success ${s.lastSuccessAt ?? '-'}, next poll ${s.nextPollAt ?? '-'}` +
              `${s.nextPollReason && s.nextPollReason !== 'interval' ? ` (${s.nextPollReason})` : ''}, items seen ${s.itemsSeen}`,
          );
        }
      }),
    );
  feeds
    .command('add <idOrUrl> [url]')
    .description('register a feed and schedule it: `add URL` (a feed or a site: the feed is discovered; the id is derived) or `add ID URL`')
    .option('--title <title>')
    .option('--every <ms>', 'poll interval in ms', parseInterval)
    .option('--no-discover', 'register the URL as given, without fetching it')
    .action(async (idOrUrl: string, maybeUrl: string | undefined, opts: { title?: string; every?: number; discover: boolean }) =>
      withRuntime(async (rt) => {
        const givenUrl = maybeUrl ?? idOrUrl;
        if (!/^https?:\/\//i.test(givenUrl)) throw new InvalidArgumentError(`expected an http(s) URL, got "${givenUrl}"`);
        if (maybeUrl && !FEED_ID_PATTERN.test(idOrUrl))
          throw new InvalidArgumentError(`invalid feed id "${idOrUrl}": use letters, digits, ".", "_" and "-"`);
        const resolved = opts.discover ? await resolveFeedUrl(rt, givenUrl) : { url: givenUrl, note: 'not checked' };
        const existing = await rt.store.listFeeds();
        const same = existing.find((f) => f.url === resolved.url);
        const id = maybeUrl ? idOrUrl : (same?.id ?? feedIdFromUrl(resolved.url, await reservedFeedIds(rt, existing)));
        const title = opts.title ?? resolved.title;
        const feed: FeedConfig = {
          id,
          url: resolved.url,
          ...(title ? { title } : {}),
          ...(opts.every ? { pollIntervalMs: opts.every } : {}),
        };
        await rt.store.upsertFeed(feed);
        if (!(await rt.store.getFeedState(id)).disabledAt) await scheduleFeed(rt.queues.feeds, rt.cfg, feed);
        out(`feed ${id} added: ${resolved.url} (${resolved.note})`);
      }),
    );
  feeds
    .command('remove <id>')
    .description('unregister a feed and stop polling it')
    .action(async (id: string) =>
      withRuntime(async (rt) => {
        // Unregister first: a worker scheduling feeds meanwhile then finds no feed (and drops a scheduler it made).
        const existed = await rt.store.removeFeed(id);
        await unscheduleFeed(rt.queues.feeds, id);
        // The removal is recorded either way: workers started with a feeds list naming it will not seed it again.
        out(
          `${existed ? `feed ${id} removed` : `no feed ${id} registered; its removal is recorded`}: ` +
            `workers that list it in their configured feeds will not add it back; \`storyline feeds add ${id} <url>\` does`,
        );
      }),
    );
  feeds
    .command('enable <id>')
    .description('re-enable a feed that was disabled after repeated failures')
    .action(async (id: string) =>
      withRuntime(async (rt) => {
        const feed = await rt.store.getFeed(id);
        if (!feed) throw new Error(`no feed ${id}`);
        await rt.store.enableFeed(id);
        await scheduleFeed(rt.queues.feeds, rt.cfg, feed);
        out(`feed ${id} enabled`);
      }),
    );
  feeds
    .command('import <file>')
    .description('register every feed of an OPML file (feeds already registered by URL are kept as they are)')
    .action(async (file: string) =>
      withRuntime(async (rt) => {
        const entries = parseOpml(readFileSync(file, 'utf8'));
        const existing = await rt.store.listFeeds();
        const byUrl = new Set(existing.map((f) => f.url));
        const taken = await reservedFeedIds(rt, existing);
        let added = 0;
        for (const entry of entries) {
          if (byUrl.has(entry.xmlUrl)) continue;
          const id = feedIdFromUrl(entry.xmlUrl, taken);
          taken.add(id);
          const feed: FeedConfig = { id, url: entry.xmlUrl, ...(entry.title ? { title: entry.title } : {}) };
          await rt.store.upsertFeed(feed);
          await scheduleFeed(rt.queues.feeds, rt.cfg, feed);
          added++;
        }
        out(`imported ${added} feeds from ${file} (${entries.length - added} already registered)`);
      }),
    );
  feeds
    .command('export')
    .description('print the registry as OPML')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (opts: { output?: string }) =>
      withRuntime(async (rt) => {
        const opml = toOpml(await rt.store.listFeeds());
        if (opts.output) writeFileSync(opts.output, opml);
        else process.stdout.write(opml);
      }),
    );
}
