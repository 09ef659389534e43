import { STAGES, type StageName } from '../../src/types';
import { faultCorpusSize, note, PER_STAGE, settle, settleBudgetMs, sleep, summary, verifyRun, withFaultCase } from './fault-run';

/*
 * kill -9 of worker processes at random moments, several times in each stage:
 * one process per stage, killed (SIGKILL, no clean-up) and restarted after a
 * short pause. Jobs the dead process held are handed back by BullMQ's stalled
 * check once their lock expires, and the idempotent stage writes make the
 * rerun harmless: every article is published once and no event is doubled
 * (and the few poison pages among them fail, each with its failure record).
 */

const articles = faultCorpusSize();
const ROUNDS = 3; // every stage killed this many times
const RELEASE_PER_SECOND = 15;

test(`kill -9 of each stage's worker process ${ROUNDS} times at random moments (${articles} articles)`, async () => {
  // A few poison pages too: their failures must be accounted for even when a kill lands next to one.
  const origin = { releasePerSecond: RELEASE_PER_SECOND, poison: { always500: 0.01, binary: 0.01, empty: 0.01 } };
  await withFaultCase('kill', { origin, processes: PER_STAGE }, async (fc) => {
    // Spread the kills over the time the origin releases articles, so they land while work flows.
    const releaseMs = (fc.origin.articles.length / RELEASE_PER_SECOND) * 1000;
    const gapMs = Math.max(600, releaseMs / (STAGES.length * ROUNDS));
    const kills: Array<{ stage: StageName; atMs: number; active: number; downMs: number }> = [];
    await sleep(2_000); // let every process start and the first polls land
    for (let round = 0; round < ROUNDS; round++) {
      const order = [...STAGES].sort(() => fc.random() - 0.5);
      for (const stage of order) {
        await sleep(gapMs * (0.2 + 0.6 * fc.random()));
        // A random moment at which the stage is busy if it can be: wait (briefly) for an active job.
        let active = 0;
        const until = Date.now() + 1_000;
        while ((active = await fc.queues[stage].getActiveCount()) === 0 && Date.now() < until) await sleep(20 + fc.random() * 40);
        const atMs = Date.now() - fc.startedAt;
        await fc.run.kill(stage, 'SIGKILL');
        const downMs = Math.round(200 + fc.random() * 400);
        kills.push({ stage, atMs, active, downMs });
        await sleep(downMs);
        fc.run.restart(stage);
      }
    }
    const hits = kills.filter((k) => k.active > 0);
    note(
      `kill: ${kills.length} kills, ${hits.length} with jobs in flight: ${kills.map((k) => `${k.stage}@${(k.atMs / 1000).toFixed(1)}s/${k.active}`).join(' ')}`,
    );

    const settlement = await settle(fc, settleBudgetMs(articles));
    const report = await verifyRun(fc, settlement);
    expect(report.failed).toBe(fc.origin.articles.filter((a) => a.poison).length);
    // The kills did take jobs down with them, and the stalled check handed them back.
    expect(hits.length).toBeGreaterThan(0);
    const stalled = fc.logLines(/job stalled: will be retried/).length;
    expect(stalled).toBeGreaterThan(0);
    for (const stage of STAGES) expect(fc.run.usage()[stage].starts).toBe(ROUNDS + 1);
    note(summary(fc, report, `${kills.length} kills (${hits.length} mid-job), ${stalled} stalled jobs recovered`));
  });
});
