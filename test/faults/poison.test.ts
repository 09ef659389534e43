import { POISON_KINDS, type PoisonKind } from '../../src/load/origin';
import { faultCorpusSize, FAULT_ENV, note, settle, summary, TWO_PROCESSES, verifyRun, withFaultCase } from './fault-run';

/*
 * Poison documents that never become articles: always 500, a binary body, an
 * empty page. Each lands in the failed set after its attempts (all of them for
 * a 500, one for what retrying cannot fix), with stage, class, reason and
 * attempt count in the audit's failure record and in `storyline failed list`,
 * and none holds up the rest: every other article is published within a bound.
 */

const articles = faultCorpusSize();
const SHARE = 0.04; // per poison kind
const ATTEMPTS = Number(FAULT_ENV.STORYLINE_JOB_ATTEMPTS);

/** Where and how each kind of poison must fail. */
const EXPECTED: Record<PoisonKind, { stage: string; classes: string[]; attempts: number }> = {
  always500: { stage: 'fetch', classes: ['http_status'], attempts: ATTEMPTS },
  binary: { stage: 'fetch', classes: ['bad_content_type'], attempts: 1 },
  empty: { stage: 'extract', classes: ['EMPTY_INPUT'], attempts: 1 },
};

test(`poison documents fail with reason, class and attempts and do not block the rest (${articles} articles)`, async () => {
  const poison = Object.fromEntries(POISON_KINDS.map((k) => [k, SHARE]));
  // Everything released at once: the poison competes with the good articles for the same worker slots.
  await withFaultCase('poison', { origin: { poison }, processes: TWO_PROCESSES }, async (fc) => {
    // Bound: the good articles alone take well under a minute at the small size on this machine.
    const boundMs = 90_000 + articles * 60;
    const settlement = await settle(fc, boundMs);
    const report = await verifyRun(fc, settlement);
    const poisoned = fc.origin.articles.filter((a) => a.poison);
    expect(report.failed).toBe(poisoned.length);
    expect(report.published).toBe(fc.origin.articles.length - poisoned.length);
    expect(report.settledMs).toBeLessThan(boundMs);

    // The audit's failure record of each poison article: stage, class, attempts, reason.
    const wrong: string[] = [];
    for (const a of poisoned) {
      const want = EXPECTED[a.poison as PoisonKind];
      const rec = report.failures.get(report.idOf.get(a.url) as string);
      if (!rec || rec.stage !== want.stage || !want.classes.includes(rec.class) || rec.attempts !== want.attempts || !rec.reason) {
        wrong.push(`${a.poison} ${a.path}: ${JSON.stringify(rec)}`);
      }
    }
    expect(wrong).toEqual([]);

    // The same through `storyline failed list --json`: one row per poison article, with class and attempts.
    const list = await fc.cli(['failed', 'list', '--json']);
    expect(list.code).toBe(0);
    const rows = list.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(
        (l) =>
          JSON.parse(l) as { stage: string; jobId: string; class: string; attempts: number; reason: string; data: { articleId?: string } },
      );
    const rowOf = new Map(rows.map((r) => [r.data.articleId, r]));
    expect(rows.length).toBe(poisoned.length);
    for (const a of poisoned) {
      const rec = report.failures.get(report.idOf.get(a.url) as string)!;
      const row = rowOf.get(report.idOf.get(a.url));
      expect(row).toMatchObject({ stage: rec.stage, jobId: rec.jobId, class: rec.class, attempts: rec.attempts, reason: rec.reason });
    }
    // And `failed list --class` filters on it.
    const by500 = await fc.cli(['failed', 'list', '--class', 'http_status']);
    expect(by500.stdout.trim().split('\n').filter(Boolean).length).toBe(poisoned.filter((a) => a.poison === 'always500').length);

    const kinds = POISON_KINDS.map((k) => `${poisoned.filter((a) => a.poison === k).length} ${k}`).join(', ');
    note(summary(fc, report, `poison: ${kinds}; bound ${Math.round(boundMs / 1000)} s`));
  });
});
