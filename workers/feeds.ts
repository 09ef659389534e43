import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { StorylineConfig } from '../config';
import { jobIdFor } from '../queues';
import { itemIdFor, recordSeen, type SeenEntry } from '../src/audit';
import { articleIdFor, canonicalizeUrl } from '../src/feeds/canonical-url';
import { FeedParseError, parseFeed } from '../src/feeds/parse';
import { afterFailure, afterSuccess, cacheHintMs, isPollDue, type PollPolicy } from '../src/feeds/poll-policy';
import { FetchError } from '../src/fetch/http';
import type { ArticleJobData, FeedConfig, FeedItem, FeedsJobData } from '../src/types';
import { SCHEMA_VERSION } from '../src/types';
import type { StageContext } from './context';
import { deferIfHostBusy, hostLimiterFor, MAX_INLINE_HOST_WAIT_MS } from './politeness';
import { unscheduleFeed, unscheduleOrphan } from './schedule';

export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export interface FeedsJobResult {
  feedId: string;
  /** False when this tick did not poll: the feed is disabled, or backing off / honouring Retry-After or <ttl>. */
  polled: boolean;
  skippedBecause?: 'disabled' | 'not-due' | 'unknown-feed';
  notModified: boolean;
  /** Entries in the response. */
  items: number;
  /** Of those, entries the previous poll already handled (left alone). */
  unchanged: number;
  enqueued: number;
  /** Items dropped for an unusable link. */
  skipped: number;
  /** Already-extracted articles this feed was added to (an item in two feeds). */
  articlesUpdated: number;
}

/** Identity of a feed entry within its feed: what decides it is an item already handled. */
export function entryFingerprint(guid: string, link: string): string {
  return createHash('sha256').update(`${guid}\0${link}`).digest('base64url').slice(0, 16);
}

export function pollPolicyFor(cfg: StorylineConfig, feed: FeedConfig): PollPolicy {
  return {
    intervalMs: feed.pollIntervalMs ?? cfg.feeds.pollIntervalMs,
    maxBackoffMs: cfg.feeds.maxBackoffMs,
    maxCacheHintMs: cfg.feeds.maxCacheHintMs,
    disableAfterFailures: cfg.feeds.disableAfterFailures,
  };
}

/**
 * feeds stage: poll one feed (conditional GET, politely), parse it, store each
 * item and hand the items not yet extracted to the fetch queue.
 *
 * Scheduling: the feed's BullMQ job scheduler ticks every interval; the feed
 * state's `pollNotBefore` turns ticks into no-ops while the feed backs off,
 * honours Retry-After, or is fresh per <ttl>/Cache-Control. We chose this over
 * moving the scheduler or adding one-off delayed polls because the state in
 * Redis is then the one source of truth: it survives restarts, any number of
 * processes agree on it, and `feeds remove`/`add` need no job clean-up.
 * Poll jobs have attempts = 1 (see workers/schedule.ts): BullMQ's quick retries
 * would ignore Retry-After; the next due tick is the retry.
 */
export async function processFeedsJob(job: Job<FeedsJobData>, ctx: StageContext): Promise<FeedsJobResult> {
  const { feedId } = job.data;
  const log = ctx.logger.child({ queue: 'feeds', jobId: job.id, feedId });
  const feed = await ctx.store.getFeed(feedId);
  const idle = { feedId, polled: false, notModified: false, items: 0, unchanged: 0, enqueued: 0, skipped: 0, articlesUpdated: 0 };
  if (!feed) {
    // Removed while a process was (re)creating its scheduler: the scheduler outlived the feed. Drop it, so it
    // does not tick (and fail) forever; there is nothing to poll.
    if (!(await unscheduleOrphan(ctx.queues.feeds, ctx.store, ctx.cfg, feedId))) {
      log.warn('scheduler of a feed no longer registered removed');
    }
    return { ...idle, skippedBecause: 'unknown-feed' };
  }
  const state = await ctx.store.getFeedState(feedId);
  if (state.disabledAt) {
    log.debug({ disabledAt: state.disabledAt }, 'feed disabled: tick ignored');
    return { ...idle, skippedBecause: 'disabled' };
  }
  if (!isPollDue(state.pollNotBefore, Date.now())) {
    log.debug({ nextPollAt: state.nextPollAt, reason: state.nextPollReason }, 'feed not due: tick ignored');
    return { ...idle, skippedBecause: 'not-due' };
  }

  const policy = pollPolicyFor(ctx.cfg, feed);
  const conditional: Record<string, string> = {};
  if (state.etag) conditional['if-none-match'] = state.etag;
  if (state.lastModified) conditional['if-modified-since'] = state.lastModified;

  try {
    const res = await hostLimiterFor(ctx).run(feed.url, MAX_INLINE_HOST_WAIT_MS, () =>
      ctx.http.fetch(feed.url, { accept: FEED_ACCEPT, headers: conditional }),
    );
    if (res.notModified) {
      const next = afterSuccess(policy, Date.now(), cacheHintMs(res.headers, undefined, Date.now()));
      await ctx.store.recordFeedSuccess(feedId, { items: 0, newItems: 0, notModified: true, next });
      log.debug({ nextPollReason: next.reason }, 'feed not modified');
      return { ...idle, polled: true, notModified: true };
    }
    const parsed = await parseFeed(res.body, {
      contentType: res.contentType,
      url: res.finalUrl,
      maxItems: ctx.cfg.feeds.maxItemsPerPoll,
    });

    // Entries the previous poll already handled (same guid and link) are left alone: storing the item,
    // the audit's seen mark and the fetch job were all done then, idempotently. A re-poll of a feed that
    // gained a few entries then costs a few entries' work, not the whole feed's (issue #8). The list is
    // saved only after this poll's entries are handled, so a crash mid-poll re-handles them next time.
    const fingerprints = parsed.items.map((entry) => entryFingerprint(entry.guid, entry.link));
    const handled = new Set(state.recentEntries);
    const fresh = parsed.items.filter((_, i) => !handled.has(fingerprints[i]));
    const items: FeedItem[] = [];
    const seen: SeenEntry[] = [];
    let skipped = 0;
    for (const entry of fresh) {
      try {
        const canonicalUrl = canonicalizeUrl(entry.link);
        items.push({
          schemaVersion: SCHEMA_VERSION,
          feedId,
          guid: entry.guid,
          link: entry.link,
          canonicalUrl,
          articleId: articleIdFor(canonicalUrl),
          title: entry.title,
          publishedAt: entry.publishedAt,
          summary: entry.summary,
          author: entry.author,
        });
        seen.push({ itemId: itemIdFor(feedId, entry.guid || entry.link), articleId: articleIdFor(canonicalUrl) });
      } catch (err) {
        skipped++;
        seen.push({ itemId: itemIdFor(feedId, entry.guid || entry.link), skipReason: 'unusable_link' });
        log.warn({ link: entry.link, err: (err as Error).message }, 'feed item skipped: unusable link');
      }
    }

    let newItems = 0;
    let articlesUpdated = 0;
    for (const item of items) {
      const saved = await ctx.store.recordFeedItem(item);
      if (saved.itemIsNew) newItems++;
      if (saved.articleUpdated) {
        articlesUpdated++;
        log.info({ articleId: item.articleId }, 'article seen in another feed: feed added to it');
      }
    }
    // Accounting (src/audit): each entry once; a second entry for a known article is a duplicate.
    await recordSeen(ctx.redis, ctx.store.keys, seen, ctx.cfg.retention.recordTtlSec);
    // Items already extracted are duplicates (re-poll, or the same story in two feeds).
    const done = await ctx.store.existingArticles(items.map((i) => i.articleId));
    const todo = [...new Map(items.filter((i) => !done.has(i.articleId)).map((i) => [i.articleId, i])).values()];
    await ctx.queues.fetch.addBulk(
      todo.map((i) => ({
        name: 'fetch',
        data: { articleId: i.articleId, feedId } satisfies ArticleJobData,
        opts: { jobId: jobIdFor('fetch', i.articleId) },
      })),
    );
    const next = afterSuccess(policy, Date.now(), cacheHintMs(res.headers, parsed.ttlMinutes, Date.now()));
    await ctx.store.recordFeedSuccess(feedId, {
      etag: res.headers.etag,
      lastModified: res.headers['last-modified'],
      items: parsed.items.length,
      newItems,
      next,
      recentEntries: fingerprints,
    });
    log.info(
      {
        items: parsed.items.length,
        unchanged: parsed.items.length - fresh.length,
        newItems,
        enqueued: todo.length,
        skipped,
        articlesUpdated,
        format: parsed.format,
        nextPollReason: next.reason,
      },
      'feed polled',
    );
    return {
      ...idle,
      polled: true,
      items: parsed.items.length,
      unchanged: parsed.items.length - fresh.length,
      enqueued: todo.length,
      skipped,
      articlesUpdated,
    };
  } catch (err) {
    await deferIfHostBusy(job, err);
    const message = err instanceof FeedParseError ? `${err.message} (${feed.url})` : (err as Error).message;
    const errors = await ctx.store.recordFeedError(feedId, message);
    const retryAfterMs = err instanceof FetchError && (err.status === 429 || err.status === 503) ? err.retryAfterMs : undefined;
    const next = afterFailure(policy, Date.now(), errors, retryAfterMs);
    if (next.disable) {
      await ctx.store.disableFeed(feedId, `${errors} consecutive failures, last: ${message}`);
      await unscheduleFeed(ctx.queues.feeds, feedId);
      log.error(
        { consecutiveErrors: errors, err: message },
        'feed disabled after repeated failures (`storyline feeds enable` re-enables it)',
      );
    } else {
      await ctx.store.setFeedSchedule(feedId, next);
      log.warn(
        { consecutiveErrors: errors, nextPollAt: new Date(next.nextPollAt).toISOString(), reason: next.reason, err: message },
        'feed poll failed',
      );
    }
    // Final for this tick either way: the failed set keeps the reason, the schedule retries.
    throw new UnrecoverableError(message);
  }
}
