import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { jobIdFor } from '../queues';
import { ExtractError, extractArticle } from '../src/extract';
import type { Article, ArticleJobData } from '../src/types';
import { SCHEMA_VERSION } from '../src/types';
import type { StageContext } from './context';

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
    x = extractArticle(fetched.html, fetched.facts.finalUrl, {
      maxHtmlBytes: ctx.cfg.extract.maxHtmlBytes,
      feedSummary: item.summary,
    });
  } catch (err) {
    // Bad documents do not get better on retry.
    if (err instanceof ExtractError) throw new UnrecoverableError(`${err.code}: ${err.message}`);
    throw err;
  }
  const feed = await ctx.store.getFeed(item.feedId);
  const host = new URL(fetched.facts.finalUrl).hostname;
  const article: Article = {
    schemaVersion: SCHEMA_VERSION,
    id: articleId,
    url: item.link,
    canonicalUrl: item.canonicalUrl,
    source: x.siteName ?? feed?.title ?? host,
    sourceDomain: host,
    feedIds,
    title: x.title || item.title,
    byline: x.byline,
    authors: x.authors,
    publishedAt: x.publishedAt ?? item.publishedAt,
    modifiedAt: x.modifiedAt,
    lang: x.lang,
    leadImage: x.leadImage,
    text: x.text,
    excerpt: x.excerpt,
    wordCount: x.wordCount,
    extraction: { method: x.method, readerable: x.readerable },
    fetch: fetched.facts,
  };
  await ctx.store.saveArticle(article);
  await ctx.queues.tag.add('tag', { articleId }, { jobId: jobIdFor('tag', articleId) });
  log.debug({ words: x.wordCount, method: x.method }, 'article extracted');
  return { wordCount: x.wordCount };
}
