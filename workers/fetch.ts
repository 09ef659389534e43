import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import { jobIdFor } from '../queues';
import { decodeBody } from '../src/feeds/charset';
import { FetchError, fetchFacts } from '../src/fetch/http';
import type { ArticleJobData, FetchFacts } from '../src/types';
import type { StageContext } from './context';
import { deferIfHostBusy, hostLimiterFor, MAX_INLINE_HOST_WAIT_MS } from './politeness';

/**
 * fetch stage: GET the article page within the configured limits and store the
 * HTML. Requests to one host are capped and spaced across all processes; a
 * job that would wait long for its host is delayed rather than holding a slot.
 */
export async function processFetchJob(job: Job<ArticleJobData>, ctx: StageContext): Promise<FetchFacts> {
  const { articleId } = job.data;
  const log = ctx.logger.child({ queue: 'fetch', jobId: job.id, articleId, feedId: job.data.feedId });
  const item = await ctx.store.getFeedItem(articleId);
  let res;
  let waitedMs = 0;
  try {
    const started = Date.now();
    res = await hostLimiterFor(ctx).run(item.link, MAX_INLINE_HOST_WAIT_MS, () => {
      waitedMs = Date.now() - started;
      return ctx.http.fetch(item.link);
    });
  } catch (err) {
    await deferIfHostBusy(job, err);
    if (err instanceof FetchError && !err.retryable) throw new UnrecoverableError(`${err.code}: ${err.message}`);
    throw err;
  }
  const html = decodeBody(res.body, res.contentType);
  const facts = fetchFacts(res);
  await ctx.store.saveFetched(articleId, html, facts);
  await ctx.queues.extract.add('extract', { articleId }, { jobId: jobIdFor('extract', articleId) });
  log.debug({ status: res.status, bytes: res.bytes, ms: facts.timings.totalMs, hostWaitMs: waitedMs }, 'page fetched');
  return facts;
}
