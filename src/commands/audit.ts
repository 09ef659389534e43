import type { Command } from 'commander';
import { openRuntime } from '../../workers/runtime';
import { auditWindow, failedTotal, parseTimeArg, sum, type AuditCounts } from '../audit';
import { STAGES } from '../types';
import { createLogger } from '../util/logger';
import { config } from './common';

/** Item stages: a job waiting, active or delayed in one of them means an item may still be in flight. */
const ITEM_STAGES = STAGES.filter((s) => s !== 'feeds');
const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export interface AuditReport extends AuditCounts {
  since: string;
  until: string;
  skippedTotal: number;
  failedTotal: number;
  /** Jobs not yet finished in the item stages (fetch … publish). */
  pendingJobs: number;
  ok: boolean;
  problems: string[];
}

/** Pure: the checks on the counts. */
export function checkAudit(c: AuditCounts, pendingJobs: number): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  const accounted = c.published + sum(c.skipped) + failedTotal(c) + c.inFlight;
  if (c.unknown) problems.push(`${c.unknown} item(s) have an unrecognised outcome`);
  if (accounted !== c.seen) problems.push(`published + skipped + failed + in flight = ${accounted}, but ${c.seen} item(s) seen`);
  if (c.inFlight > 0 && pendingJobs === 0) {
    problems.push(
      `${c.inFlight} item(s) have no outcome while the queues are empty: lost (e.g. ${c.inFlightSample.slice(0, 3).join(', ')})`,
    );
  }
  return { ok: problems.length === 0, problems };
}

function format(r: AuditReport): string {
  const lines = [
    `window     ${r.since} … ${r.until} (by first-seen time)`,
    `seen       ${r.seen}`,
    `published  ${r.published}`,
    `skipped    ${r.skippedTotal}`,
    ...Object.entries(r.skipped)
      .sort()
      .map(([reason, n]) => `  ${reason.padEnd(22)} ${n}`),
    `failed     ${r.failedTotal}`,
    ...Object.entries(r.failed)
      .sort()
      .flatMap(([stage, byClass]) =>
        Object.entries(byClass)
          .sort()
          .map(([cls, n]) => `  ${`${stage}/${cls}`.padEnd(22)} ${n}`),
      ),
    `in flight  ${r.inFlight} (jobs pending in fetch…publish: ${r.pendingJobs})`,
  ];
  if (r.ok) {
    lines.push(
      `OK: ${r.published} + ${r.skippedTotal} + ${r.failedTotal} + ${r.inFlight} = ${r.seen} seen` +
        (r.inFlight ? ' (in-flight items are accepted while jobs are pending; rerun when the queues are empty)' : ''),
    );
  } else {
    for (const p of r.problems) lines.push(`MISMATCH: ${p}`);
  }
  return lines.join('\n') + '\n';
}

/** `storyline audit`: what became of the feed items seen in a window. */
export function register(program: Command): void {
  program
    .command('audit')
    .description('count feed items seen in a window by outcome (published, skipped, failed, in flight) and check they add up')
    .option('--since <time>', 'ISO time or duration back from now (30m, 1h, 2d); default: everything kept')
    .option('--until <time>', 'ISO time or duration back from now; default: now')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { since?: string; until?: string; json?: boolean }) => {
      const now = Date.now();
      const sinceMs = opts.since ? parseTimeArg(opts.since, now) : 0;
      const untilMs = opts.until ? parseTimeArg(opts.until, now) : now;
      const cfg = config();
      const rt = await openRuntime(cfg, createLogger('warn'));
      let report: AuditReport;
      try {
        const counts = await auditWindow(rt.redis, rt.store.keys, sinceMs, untilMs);
        let pendingJobs = 0;
        for (const stage of ITEM_STAGES) pendingJobs += sum(await rt.queues[stage].getJobCounts(...PENDING_STATES));
        const { ok, problems } = checkAudit(counts, pendingJobs);
        report = {
          since: sinceMs ? new Date(sinceMs).toISOString() : 'start',
          until: new Date(untilMs).toISOString(),
          ...counts,
          skippedTotal: sum(counts.skipped),
          failedTotal: failedTotal(counts),
          pendingJobs,
          ok,
          problems,
        };
      } finally {
        await rt.close();
      }
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : format(report));
      // The CLI exits 1 with this line on stderr.
      if (!report.ok) throw new Error(`audit: the counts do not add up (${report.problems.length} problem(s) above)`);
    });
}
