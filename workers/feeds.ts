import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { jobIdFor } from '../queues';
import { articleIdFor, canonicalizeUrl } from '../src/feeds/canonical-url';
import { FeedParseError, parseFeed } from '../src/feeds/parse';
import { FetchError } from '../src/fetch/http';
import type { ArticleJobData, FeedItem, FeedsJobData } from '../src/types';
import { SCHEMA_VERSION } from '../src/types';
import type { StageContext } from './context';

const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';

export interface FeedsJobResult {
  feedId: string;
  notModified: boolean;
  items: number;
  enqueued: number;
  skipped: number;
}

/**
 * feeds stage: poll one feed (conditional GET), parse it, store each item and
 * hand the items not yet extracted to the fetch queue.
 */
export async function processFeedsJob(job: Job<FeedsJobData>, ctx: StageContext): Promise<FeedsJobResult> {
  const { feedId } = job.data;
  const log = ctx.logger.child({ queue: 'feeds', jobId: job.id, feedId });
  const feed = await ctx.store.getFeed(feedId);
  if (!feed) throw new UnrecoverableError(`unknown feed ${feedId} (removed from the registry?)`);
  const state = await ctx.store.getFeedState(feedId);
  const conditional: Record<string, string> = {};
  if (state.etag) conditional['if-none-match'] = state.etag;
  if (state.lastModified) conditional['if-modified-since'] = state.lastModified;

  try {
    const res = await ctx.http.fetch(feed.url, { accept: FEED_ACCEPT, headers: conditional });
    if (res.notModified) {
      await ctx.store.recordFeedSuccess(feedId, { items: 0, newItems: 0 });
      log.debug('feed not modified');
      return { feedId, notModified: true, items: 0, enqueued: 0, skipped: 0 };
    }
    const parsed = await parseFeed(res.body, {
      contentType: res.contentType,
      url: res.finalUrl,
      maxItems: ctx.cfg.feeds.maxItemsPerPoll,
    });

    const items: FeedItem[] = [];
    let skipped = 0;
    for (const entry of parsed.items) {
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
      } catch (err) {
        skipped++;
        log.warn({ link: entry.link, err: (err as Error).message }, 'feed item skipped: unusable link');
      }
    }

    let newItems = 0;
    for (const item of items) if (await ctx.store.saveFeedItem(item)) newItems++;
    // Items already extracted are duplicates (re-poll, or the same story in two feeds).
    const done = await ctx.store.existingArticles(items.map((i) => i.articleId));
    const todo = items.filter((i) => !done.has(i.articleId));
    await ctx.queues.fetch.addBulk(
      todo.map((i) => ({
        name: 'fetch',
        data: { articleId: i.articleId, feedId } satisfies ArticleJobData,
        opts: { jobId: jobIdFor('fetch', i.articleId) },
      })),
    );
    await ctx.store.recordFeedSuccess(feedId, {
      etag: res.headers.etag,
      lastModified: res.headers['last-modified'],
      items: items.length,
      newItems,
    });
    log.info({ items: items.length, newItems, enqueued: todo.length, skipped, format: parsed.format }, 'feed polled');
    return { feedId, notModified: false, items: items.length, enqueued: todo.length, skipped };
  } catch (err) {
    await ctx.store.recordFeedError(feedId, (err as Error).message);
    if (err instanceof FeedParseError) throw new UnrecoverableError(`${err.message} (${feed.url})`);
    if (err instanceof FetchError && !err.retryable) throw new UnrecoverableError(err.message);
    throw err;
  }
}
