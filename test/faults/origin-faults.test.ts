import { TRANSIENT_FAULTS } from '../../src/load/origin';
import { faultCorpusSize, FAULT_ENV, note, settle, settleBudgetMs, summary, TWO_PROCESSES, verifyRun, withFaultCase } from './fault-run';

/*
 * The origin misbehaves the way the web does: a share of article URLs time
 * out, reset the connection, answer 500 or 429 with Retry-After, cut the body
 * short or drip it slower than the fetch timeout, for their first two
 * requests. Every one of them ends published after retries, and a 429's
 * Retry-After (1 s here, against a 100 ms first backoff) is honoured.
 */

const articles = faultCorpusSize();
const SHARE = 0.05; // per fault kind: 30 % of the articles misbehave
const TRANSIENT_FAILURES = 2;
const RETRY_AFTER_MS = 1000; // the origin sends `Retry-After: 1`

test(`timeouts, resets, 500s, 429s with Retry-After, truncated and slow-drip bodies all end published (${articles} articles)`, async () => {
  const faults = Object.fromEntries(TRANSIENT_FAULTS.map((k) => [k, SHARE]));
  await withFaultCase(
    'origin-faults',
    {
      origin: { faults, transientFailures: TRANSIENT_FAILURES },
      processes: TWO_PROCESSES,
    },
    async (fc) => {
      const settlement = await settle(fc, settleBudgetMs(articles));
      const report = await verifyRun(fc, settlement);
      expect(report.failed).toBe(0);

      // Every kind of fault was served, to as many URLs as predicted, and each faulty URL was retried past it.
      const served = fc.origin.stats().faultsServed;
      const byKind: Record<string, number> = {};
      for (const a of fc.origin.articles) if (a.fault) byKind[a.fault] = (byKind[a.fault] ?? 0) + 1;
      for (const kind of TRANSIENT_FAULTS) {
        expect(byKind[kind]).toBeGreaterThan(0);
        expect(served[kind]).toBe(byKind[kind] * TRANSIENT_FAILURES);
      }
      const underRetried = fc.origin.articles.filter((a) => a.fault && fc.origin.requestTimes(a.path).length <= TRANSIENT_FAILURES);
      expect(underRetried.map((a) => a.path)).toEqual([]);

      // Retry-After: after each 429 the next request for that URL came no sooner than asked…
      const gaps = fc.origin.articles
        .filter((a) => a.fault === 'status429')
        .flatMap((a) => {
          const t = fc.origin.requestTimes(a.path);
          return t.slice(0, TRANSIENT_FAILURES).map((at, i) => t[i + 1] - at);
        });
      expect(gaps.length).toBeGreaterThan(0);
      expect(gaps.filter((g) => g < RETRY_AFTER_MS)).toEqual([]);
      // …because the retry was scheduled for it, not by chance (a backlog in the queue also spaces retries):
      // the delay each retry got (worker log, `retryInMs`) is the Retry-After for 429s and the short backoff otherwise.
      const retries = fc
        .logLines(/job failed: will retry/)
        .map((line) => JSON.parse(line) as { jobId: string; attemptsMade: number; retryInMs?: number; retryAfterMs?: number })
        // The attempts that met the origin's faults (a later one could fail for another reason on a busy machine).
        .filter((r) => r.attemptsMade <= TRANSIENT_FAILURES);
      const jobIdOf = (kind: string) =>
        new Set(fc.origin.articles.filter((a) => a.fault === kind).map((a) => `fetch-${report.idOf.get(a.url)}`));
      const delaysOf = (kind: string) => {
        const ids = jobIdOf(kind);
        return retries.filter((r) => ids.has(r.jobId)).map((r) => r.retryInMs ?? -1);
      };
      const delays429 = delaysOf('status429');
      const delays500 = delaysOf('status500');
      expect(delays429.length).toBe(byKind.status429 * TRANSIENT_FAILURES);
      expect(delays500.length).toBe(byKind.status500 * TRANSIENT_FAILURES);
      const backoffMs = Number(FAULT_ENV.STORYLINE_JOB_BACKOFF_MS);
      expect(delays429.filter((d) => d < RETRY_AFTER_MS)).toEqual([]);
      expect(delays500.filter((d) => d <= 0 || d > backoffMs * 2 ** (TRANSIENT_FAILURES - 1))).toEqual([]);

      note(
        summary(
          fc,
          report,
          `faults served ${JSON.stringify(served)}; 429 retries delayed ${Math.min(...delays429)}–${Math.max(...delays429)} ms ` +
            `(500s: ${Math.min(...delays500)}–${Math.max(...delays500)} ms), next request after ${Math.min(...gaps)}–${Math.max(...gaps)} ms`,
        ),
      );
    },
  );
});
