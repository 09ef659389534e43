import {
  faultCorpusSize,
  note,
  settle,
  settleBudgetMs,
  sleep,
  summary,
  TWO_PROCESSES,
  verifyRun,
  withFaultCase,
  type FaultCase,
} from './fault-run';

/*
 * Redis restarted mid-run, with AOF on (appendfsync always, so that everything
 * acknowledged must survive; docker-compose runs everysec, docs/faults.md): first gracefully (SIGTERM), then by SIGKILL, each time down
 * for a moment. Workers ride it out (ioredis reconnects, BullMQ resumes its
 * blocking reads, jobs whose Redis calls failed are retried) and nothing
 * written before the restart is lost: every article is published once.
 */

const articles = faultCorpusSize();

/** Waits until `share` of the articles have an outcome (or the bound passes: settle then reports what is missing). */
async function progress(fc: FaultCase, share: number, timeoutMs = 120_000): Promise<number> {
  const target = Math.ceil(fc.origin.articles.length * share);
  const until = Date.now() + timeoutMs;
  let done = 0;
  while ((done = await fc.run.redis.hlen(fc.run.keys.auditOutcome)) < target && Date.now() < until) await sleep(100);
  return done;
}

test(`Redis restarted twice mid-run with AOF (SIGTERM, then SIGKILL) loses nothing (${articles} articles)`, async () => {
  await withFaultCase('redis-restart', { origin: { releasePerSecond: 30 }, processes: TWO_PROCESSES, appendonly: true }, async (fc) => {
    const restarts: string[] = [];
    for (const [share, hard] of [
      [0.3, false],
      [0.65, true],
    ] as const) {
      const done = await progress(fc, share);
      const downMs = Math.round(500 + fc.random() * 1000);
      const t0 = Date.now();
      await fc.server.restart({ hard, downMs });
      restarts.push(`${hard ? 'SIGKILL' : 'SIGTERM'} at ${done} done, back after ${Date.now() - t0} ms`);
    }
    note(`redis-restart: ${restarts.join('; ')}`);
    // AOF really was on: the restarted server reloaded the queues and records.
    expect(await fc.run.redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);

    const settlement = await settle(fc, settleBudgetMs(articles));
    const report = await verifyRun(fc, settlement);
    expect(report.failed).toBe(0);
    for (const p of TWO_PROCESSES) expect(fc.run.running(p.name)).toBe(true);
    note(summary(fc, report, restarts.length + ' restarts'));
  });
});
