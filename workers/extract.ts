import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { jobIdFor } from '../queues';
import type { StorylineConfig } from '../config';
import { ExtractError, articleRecord, createExtractPool } from '../src/extract';
import type { ExtractPool } from '../src/extract';
import type { ArticleJobData } from '../src/types';
import type { StageContext } from './context';

/**
 * One pool of extraction threads per process and setting, shared by every extract
 * worker in it: parsing and Readability run off the event loop, so BullMQ's lock
 * renewal (main thread) is never starved, and a page over the time bound has its
 * thread terminated and its job failed with a "TIMEOUT" reason.
 */
const pools = new Map<string, ExtractPool>();

export function extractPoolFor(cfg: StorylineConfig): ExtractPool {
  const key = `${cfg.extract.threads}/${cfg.extract.timeoutMs}/${cfg.extract.threadNice}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = createExtractPool({ threads: cfg.extract.threads, timeoutMs: cfg.extract.timeoutMs, nice: cfg.extract.threadNice });
    pools.set(key, pool);
  }
  return pool;
}

/** Terminates the extraction threads (after the workers have finished their jobs). */
export async function closeExtractPools(): Promise<void> {
  const open = Array.from(pools.values());
  pools.clear();
  await Promise.all(open.map((pool) => pool.close()));
}

/** extract stage: Readability and metadata over the stored HTML → Article record. */
export async function processExtractJob(job: Job<ArticleJobData>, ctx: StageContext): Promise<{ wordCount: number }> {
  const { articleId } = job.data;
  const log = ctx.logger.child({ queue: 'extract', jobId: job.id, articleId });
  const [item, fetched, feedIds] = await Promise.all([
    ctx.store.getFeedItem(articleId),
    ctx.store.getFetched(articleId),
    ctx.store.getArticleFeeds(articleId),
  ]);
  let x;
  try {
    x = await extractPoolFor(ctx.cfg).extract(fetched.html, fetched.facts.finalUrl, {
      maxHtmlBytes: ctx.cfg.extract.maxHtmlBytes,
      feedSummary: item.summary,
      dom: ctx.cfg.extract.dom,
    });
  } catch (err) {
    // Bad documents do not get better on retry; nor do pages over the time bound or that crash a thread.
    if (err instanceof ExtractError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
    throw err;
  }
  const feed = await ctx.store.getFeed(item.feedId);
  const article = articleRecord(x, {
    id: articleId,
    url: item.link,
    canonicalUrl: item.canonicalUrl,
    feedIds,
    fallbackTitle: item.title,
    fallbackPublishedAt: item.publishedAt,
    fallbackSource: feed?.title,
    fetch: fetched.facts,
  });
  await ctx.store.saveArticle(article);
  await ctx.queues.tag.add('tag', { articleId }, { jobId: jobIdFor('tag', articleId) });
  log.debug({ words: x.wordCount, method: x.method }, 'article extracted');
  return { wordCount: x.wordCount };
}
