import { faultCorpusSize, note, settle, settleBudgetMs, sleep, summary, TWO_PROCESSES, verifyRun, withFaultCase } from './fault-run';

/*
 * A flood of duplicates: besides the outlets' own feeds, aggregator feeds list
 * rotating selections of the same articles, and every feed answers every poll
 * (once a second) with a new ETag and a re-ordered list, so each article
 * arrives again and again through many feeds and polls. Every article is
 * published once with one event per story version; an entry for an article
 * already seen is `skipped:duplicate`, and a re-poll of the same entry is not
 * a new item at all (src/audit).
 */

const articles = faultCorpusSize();
const AGGREGATORS = 6;

test(`a flood of duplicates through ${AGGREGATORS} aggregator feeds and rotating re-polls publishes each article once (${articles} articles)`, async () => {
  await withFaultCase(
    'duplicates',
    { origin: { duplicateFeeds: AGGREGATORS, rotateFeeds: true, releasePerSecond: 40 }, processes: TWO_PROCESSES, pollIntervalMs: 1000 },
    async (fc) => {
      await settle(fc, settleBudgetMs(articles));
      // Keep the flood going after everything is published: later polls must add nothing but duplicates.
      const before = await fc.run.redis.xlen(fc.run.keys.events('events'));
      const polledBefore = fc.origin.stats().feedRequests;
      await sleep(5_000);
      const settlement = await settle(fc, settleBudgetMs(articles));
      const report = await verifyRun(fc, settlement);
      expect(report.failed).toBe(0);
      expect(await fc.run.redis.xlen(fc.run.keys.events('events'))).toBe(before);
      const { feedRequests, articleRequests } = fc.origin.stats();
      expect(feedRequests - polledBefore).toBeGreaterThan(fc.origin.feeds.length); // more than one more poll per feed

      // Entries other than each article's first are all duplicates, and there were plenty.
      expect(Object.keys(report.skipped)).toEqual(['duplicate']);
      expect(report.skipped.duplicate).toBeGreaterThan(articles / 2);
      note(
        summary(
          fc,
          report,
          `${feedRequests} feed polls (${feedRequests - polledBefore} after settling), ${articleRequests} page fetches for ${fc.origin.articles.length} articles`,
        ),
      );
    },
  );
});
