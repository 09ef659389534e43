/**
 * Shared machinery of the fault suite (docs/faults.md): one case = a private
 * redis-server, a loopback load origin (src/load/origin.ts) and real
 * `storyline worker` processes (src/load/harness.ts), a fault injected while
 * they run, then the same checks every time (`verifyRun`):
 *
 * - every article the origin serves ends as the origin predicts (published,
 *   or failed with a failure record) and every other feed entry is skipped
 *   with a reason; the audit hashes hold nothing else;
 * - every event id is in the stream once; one `article.enriched` per published
 *   article and none for the others; one `story.created|updated` per (story,
 *   version), one per published article;
 * - every published article is a member of exactly one live story;
 * - the real `storyline audit` CLI exits 0 with its OK line.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { connectionOptions, QUEUE_NAMES } from '../../queues';
import { DEMO_ARTICLES } from '../../src/demo/corpus';
import { replicasFor } from '../../src/load/corpus';
import { startLoadRun, type LoadRun, type Settlement, type WorkerProcessSpec } from '../../src/load/harness';
import { startLoadOrigin, type LoadOrigin, type LoadOriginOptions } from '../../src/load/origin';
import { STAGES, type StageName } from '../../src/types';
import { startRedisServer, type RedisServerHandle } from '../../src/util/redis-server';
import { cliEnv, runCli, type CliRun } from '../helpers/cli';
import { seededRandom } from '../../src/util/random';

/** Articles per case: small by default (CI), `STORYLINE_FAULTS_ARTICLES=2000` for the full size. */
export function faultArticles(): number {
  const raw = process.env.STORYLINE_FAULTS_ARTICLES;
  if (!raw) return 330;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 66) throw new Error(`STORYLINE_FAULTS_ARTICLES must be an integer ≥ 66 (got "${raw}")`);
  return n;
}

/** Articles a case really serves: whole demo replicas of 66 (330 small, 2046 for 2000). */
export function faultCorpusSize(): number {
  return replicasFor(faultArticles()) * DEMO_ARTICLES.length;
}

/** Base seed of the run: STORYLINE_FAULTS_SEED, or a fresh one (printed, so a failing run can be repeated). */
export const FAULTS_SEED: number = (() => {
  const raw = process.env.STORYLINE_FAULTS_SEED;
  if (raw === undefined || raw === '') return Math.floor(Math.random() * 2 ** 31);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`STORYLINE_FAULTS_SEED must be a non-negative integer (got "${raw}")`);
  return n;
})();

/** A case's own stream of random numbers: the base seed mixed with the case name. */
export function caseRandom(name: string): () => number {
  let h = FAULTS_SEED ^ 0x9e3779b9;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return seededRandom(h >>> 0);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Progress and results go to stderr directly (console.log in jest is buffered and decorated). */
export function note(line: string): void {
  process.stderr.write(`[faults] ${line}\n`);
}

/**
 * Settings of every worker process in the suite. Recovery after a kill takes
 * lockDuration + stalledInterval (30 s + 30 s by default, 60 s + 30 s for
 * extract); 5 s and 2 s keep a case short while leaving lock renewal (every
 * 2.5 s) a wide margin on a busy two-core machine.
 */
export const FAULT_ENV: NodeJS.ProcessEnv = {
  STORYLINE_JOB_ATTEMPTS: '5',
  STORYLINE_JOB_BACKOFF_MS: '100',
  STORYLINE_LOCK_DURATION_MS: '5000',
  STORYLINE_EXTRACT_LOCK_DURATION_MS: '5000',
  STORYLINE_STALLED_INTERVAL_MS: '2000',
  // The origin's "timeout" fault never answers and its slow drip takes 4 s: both must time out on the first try.
  STORYLINE_FETCH_TIMEOUT_MS: '3000',
  STORYLINE_FETCH_CONNECT_TIMEOUT_MS: '2000',
  STORYLINE_EXTRACT_THREADS: '1',
};

/** One process per stage, so any stage can be killed on its own. */
export const PER_STAGE: WorkerProcessSpec[] = STAGES.map((s) => ({ name: s, stages: [s] }));
/** Two processes: feeds + fetch, and the rest. */
export const TWO_PROCESSES: WorkerProcessSpec[] = [
  { name: 'ingest', stages: ['feeds', 'fetch'] },
  { name: 'enrich', stages: ['extract', 'tag', 'merge', 'publish'] },
];

export interface FaultCaseOptions {
  origin: Omit<LoadOriginOptions, 'articles' | 'seed'>;
  processes: WorkerProcessSpec[];
  env?: NodeJS.ProcessEnv;
  appendonly?: boolean;
  pollIntervalMs?: number;
  articles?: number;
}

export interface FaultCase {
  name: string;
  server: RedisServerHandle;
  origin: LoadOrigin;
  run: LoadRun;
  random: () => number;
  startedAt: number;
  /** Stage queues on the case's Redis (counts only). */
  queues: Record<StageName, Queue>;
  /** Environment for a CLI process on the case's Redis and prefix. */
  cliEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  cli(args: string[], timeoutMs?: number): Promise<CliRun>;
  /** Lines matching `re` in every worker log so far. */
  logLines(re: RegExp): string[];
}

const PREFIX = 'faults';

/**
 * Runs `body` against a fresh case and always cleans up: worker processes,
 * origin, redis-server. Worker logs are kept (and their directory printed)
 * when the case fails.
 */
export async function withFaultCase<T>(name: string, opts: FaultCaseOptions, body: (fc: FaultCase) => Promise<T>): Promise<T> {
  const articles = opts.articles ?? faultArticles();
  const logDir = mkdtempSync(path.join(os.tmpdir(), `storyline-faults-${name}-`));
  const cleanups: Array<() => Promise<void>> = [];
  let failed = false;
  try {
    const server = await startRedisServer({ appendonly: opts.appendonly ?? false });
    cleanups.push(() => server.stop());
    const origin = await startLoadOrigin({ ...opts.origin, articles, seed: `faults-${FAULTS_SEED}-${name}` });
    cleanups.push(() => origin.close());
    const queues = Object.fromEntries(
      STAGES.map((s) => [s, new Queue(QUEUE_NAMES[s], { connection: connectionOptions(server.url), prefix: PREFIX })]),
    ) as Record<StageName, Queue>;
    for (const q of Object.values(queues)) q.on('error', () => undefined); // Redis restarts are part of some cases
    cleanups.push(async () => void (await Promise.all(Object.values(queues).map((q) => q.close()))));
    const startedAt = Date.now();
    const run = await startLoadRun({
      redisUrl: server.url,
      prefix: PREFIX,
      origin,
      processes: opts.processes,
      env: { ...FAULT_ENV, ...opts.env },
      pollIntervalMs: opts.pollIntervalMs,
      logDir,
      keepLogs: true,
    });
    cleanups.push(() => run.close());
    note(`${name}: ${origin.articles.length} articles, ${origin.feeds.length} feeds, seed ${FAULTS_SEED}, logs in ${logDir}`);
    const env = (extra: NodeJS.ProcessEnv = {}) => cliEnv(server.url, PREFIX, { LOG_LEVEL: 'warn', ...extra });
    const fc: FaultCase = {
      name,
      server,
      origin,
      run,
      random: caseRandom(name),
      startedAt,
      queues,
      cliEnv: env,
      cli: (args, timeoutMs = 60_000) => runCli(args, env(), timeoutMs),
      logLines(re) {
        const out: string[] = [];
        for (const f of readdirSync(logDir)) {
          if (!f.endsWith('.log')) continue;
          for (const line of readFileSync(path.join(logDir, f), 'utf8').split('\n')) if (re.test(line)) out.push(line);
        }
        return out;
      },
    };
    return await body(fc);
  } catch (err) {
    failed = true;
    note(`${name} FAILED (seed ${FAULTS_SEED}; rerun with STORYLINE_FAULTS_SEED=${FAULTS_SEED}); worker logs kept in ${logDir}`);
    throw err;
  } finally {
    // Reverse order: workers first (they use Redis and the origin), the server last.
    for (const c of cleanups.reverse()) await c().catch((e: Error) => note(`${name}: clean-up: ${e.message}`));
    if (!failed) rmSync(logDir, { recursive: true, force: true });
  }
}

/** Waits until every article has an outcome and the item queues are empty; fails with a diagnosis otherwise. */
export async function settle(fc: FaultCase, timeoutMs: number): Promise<Settlement> {
  const s = await fc.run.settle({ timeoutMs, pollMs: 300 });
  if (s.missing.length) {
    const counts: Record<string, unknown> = {};
    for (const stage of STAGES) {
      counts[stage] = await fc.queues[stage].getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed');
    }
    throw new Error(
      `${fc.name}: ${s.missing.length} article(s) without an outcome after ${Math.round(timeoutMs / 1000)} s ` +
        `(e.g. ${s.missing.slice(0, 5).join(', ')}); queues: ${JSON.stringify(counts)}`,
    );
  }
  return s;
}

const OUTCOME_RE = /^(published|skipped:[a-z_]+|failed:[a-z]+:[A-Za-z_]+)$/;

export interface FailureInfo {
  stage: string;
  jobId: string;
  class: string;
  reason: string;
  attempts: number;
}

export interface RunReport {
  articles: number;
  published: number;
  failed: number;
  skipped: Record<string, number>;
  events: number;
  stories: number;
  /** Article id → failure record, for the failed ones. */
  failures: Map<string, FailureInfo>;
  /** Origin URL → article id. */
  idOf: Map<string, string>;
  settledMs: number;
  auditStdout: string;
}

interface StreamEntry {
  id: string;
  type: string;
  subject: string;
  data: { version?: number; storyId?: string };
}

async function readEvents(fc: FaultCase): Promise<StreamEntry[]> {
  const { redis, keys } = fc.run;
  const stream = keys.events('events');
  const out: StreamEntry[] = [];
  let from = '-';
  for (;;) {
    const batch = (await redis.xrange(stream, from, '+', 'COUNT', 1000)) as Array<[string, string[]]>;
    for (const [, fields] of batch) {
      const f: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) f[fields[i]] = fields[i + 1];
      const ce = JSON.parse(f.event) as { id: string; type: string; subject: string; data: StreamEntry['data'] };
      expect(f.id).toBe(ce.id);
      out.push({ id: ce.id, type: ce.type, subject: ce.subject, data: ce.data });
    }
    if (batch.length < 1000) return out;
    from = `(${batch[batch.length - 1][0]}`;
  }
}

function counts<K>(items: K[]): Map<K, number> {
  const m = new Map<K, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

const twice = <K>(m: Map<K, number>) => [...m].filter(([, n]) => n !== 1);

/**
 * The checks every case ends with (see the file comment). `settlement` is the
 * harness's: every origin article with an outcome and the queues empty.
 */
export async function verifyRun(fc: FaultCase, settlement: Settlement): Promise<RunReport> {
  const { redis, keys } = fc.run;
  const idOf = new Map(fc.origin.articles.map((a) => [a.url, fc.run.articleIdOf(a.url)]));
  const expected = new Map(fc.origin.articles.map((a) => [idOf.get(a.url) as string, a]));
  expect(expected.size).toBe(fc.origin.articles.length);

  // 1. Every article as predicted: published, or failed.
  const wrong = [...expected].flatMap(([id, a]) => {
    const o = settlement.outcomes.get(id) ?? '(none)';
    const ok = a.expected === 'published' ? o === 'published' : o.startsWith('failed:');
    return ok ? [] : [`${a.path} (${a.fault ?? a.poison ?? 'clean'}): expected ${a.expected}, got ${o}`];
  });
  expect(wrong).toEqual([]);

  // 2. The audit: every entry seen has exactly one well-formed outcome; articles are exactly the origin's;
  //    other entries are skipped with a reason; every failure has its record; no orphans.
  //    Feeds may still be polling (the duplicate flood does), so the counts are over a window that ends when the
  //    run settled (every article had been seen by then), the same one `storyline audit --until` reads below;
  //    entries seen since are only checked for orphans. The 2 s wait lets a poll that read the clock before that
  //    moment finish writing.
  const until = settlement.settledAt;
  await sleep(until + 2_000 - Date.now());
  const outcomes = await redis.hgetall(keys.auditOutcome);
  const failureRaw = await redis.hgetall(keys.auditFailure);
  const seenAll = new Set(await redis.zrange(keys.auditSeen, '0', '-1')); // read after the hashes: a superset of their ids
  expect(Object.keys(outcomes).filter((id) => !seenAll.has(id))).toEqual([]);
  expect(Object.keys(failureRaw).filter((id) => !seenAll.has(id))).toEqual([]);
  const seen = await redis.zrangebyscore(keys.auditSeen, '-inf', String(until));
  expect(seen.filter((id) => !OUTCOME_RE.test(outcomes[id] ?? ''))).toEqual([]);
  const seenArticles = seen.filter((id) => expected.has(id));
  const others = seen.filter((id) => !expected.has(id));
  expect(seenArticles.length).toBe(expected.size);
  expect(others.filter((id) => !/^i[0-9a-f]{20}$/.test(id) || !outcomes[id].startsWith('skipped:'))).toEqual([]);
  const failures = new Map<string, FailureInfo>();
  const badFailures: string[] = [];
  for (const id of seenArticles) {
    const o = outcomes[id];
    if (!o.startsWith('failed:')) {
      if (failureRaw[id]) badFailures.push(`${id}: ${o} but a failure record`);
      continue;
    }
    const rec = failureRaw[id] ? (JSON.parse(failureRaw[id]) as FailureInfo) : undefined;
    const [, stage, cls] = o.split(':');
    if (!rec) badFailures.push(`${id}: ${o} without a failure record`);
    else if (rec.stage !== stage || rec.class !== cls || !rec.reason || !(rec.attempts >= 1) || !rec.jobId) {
      badFailures.push(`${id}: ${o} vs ${failureRaw[id]}`);
    } else failures.set(id, rec);
  }
  expect(badFailures).toEqual([]);
  const published = new Set(seenArticles.filter((id) => outcomes[id] === 'published'));
  const skipped: Record<string, number> = {};
  for (const id of others) skipped[outcomes[id].slice(8)] = (skipped[outcomes[id].slice(8)] ?? 0) + 1;

  // 3. Events: each id once; one article.enriched per published article; one story event per (story, version).
  const events = await readEvents(fc);
  expect(twice(counts(events.map((e) => e.id)))).toEqual([]);
  const enriched = events.filter((e) => e.type === 'article.enriched.v1').map((e) => e.subject);
  expect(twice(counts(enriched))).toEqual([]);
  expect(enriched.filter((id) => !published.has(id))).toEqual([]);
  expect([...published].filter((id) => !enriched.includes(id))).toEqual([]);
  const storyEvents = events.filter((e) => e.type === 'story.created.v1' || e.type === 'story.updated.v1');
  expect(twice(counts(storyEvents.map((e) => `${e.subject} v${e.data.version}`)))).toEqual([]);
  expect(storyEvents.filter((e) => (e.type === 'story.created.v1') !== (e.data.version === 1))).toEqual([]);
  // Each merge decision is one article joining (or founding) one story version.
  expect(storyEvents.length).toBe(published.size);

  // 4. The store: each published article is in exactly one live story (absorbed stories are not live).
  const absorbed = new Set<string>();
  for (const storyId of await redis.zrange(keys.stories, '0', '-1'))
    if (await redis.exists(keys.mergedInto(storyId))) absorbed.add(storyId);
  const live = (await redis.zrange(keys.stories, '0', '-1')).filter((id) => !absorbed.has(id));
  const memberships: string[] = [];
  const versionGaps: string[] = [];
  const lastVersion = new Map<string, number>();
  for (const e of storyEvents) lastVersion.set(e.subject, Math.max(lastVersion.get(e.subject) ?? 0, e.data.version ?? 0));
  for (const storyId of live) {
    const raw = await redis.get(keys.story(storyId));
    expect(raw).not.toBeNull();
    const story = JSON.parse(raw as string) as { id: string; version: number; articles: Array<{ id: string }> };
    memberships.push(...story.articles.map((a) => a.id));
    if (lastVersion.get(storyId) !== story.version)
      versionGaps.push(`${storyId}: v${story.version}, last event v${lastVersion.get(storyId)}`);
  }
  expect(versionGaps).toEqual([]);
  const memberCounts = counts(memberships);
  expect(twice(memberCounts)).toEqual([]);
  expect([...memberCounts.keys()].filter((id) => !published.has(id))).toEqual([]);
  expect([...published].filter((id) => !memberCounts.has(id))).toEqual([]);

  // 5. The real CLI agrees: exit 0 and its OK line with these counts.
  const audit = await fc.cli(['audit', '--until', new Date(until).toISOString()]);
  if (audit.code !== 0) throw new Error(`storyline audit exited ${audit.code}:\n${audit.stdout}${audit.stderr}`);
  const failedCount = seenArticles.length - published.size;
  const skippedCount = others.length;
  expect(audit.stdout).toContain(`OK: ${published.size} + ${skippedCount} + ${failedCount} + 0 = ${seen.length} seen`);

  return {
    articles: expected.size,
    published: published.size,
    failed: failedCount,
    skipped,
    events: events.length,
    stories: live.length,
    failures,
    idOf,
    settledMs: settlement.settledAt - fc.startedAt,
    auditStdout: audit.stdout,
  };
}

export function summary(fc: FaultCase, r: RunReport, extra = ''): string {
  const skipped = Object.entries(r.skipped)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return (
    `${fc.name}: ${r.articles} articles → ${r.published} published, ${r.failed} failed` +
    `${skipped ? `, skipped ${skipped}` : ''}; ${r.events} events, ${r.stories} stories; settled in ${(r.settledMs / 1000).toFixed(1)} s` +
    (extra ? `; ${extra}` : '')
  );
}

/** Generous settle bound for a case: a base plus a per-article allowance (a slow shared two-core machine). */
export function settleBudgetMs(articles: number, baseMs = 120_000): number {
  return baseMs + articles * 150;
}
