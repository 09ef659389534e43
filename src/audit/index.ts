import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../store/keys';
import { defineScript, queueScript, runScript, type LuaScript } from '../store/lua';

/*
 * Accounting: every feed item that enters ends in exactly one outcome.
 *
 * - `{prefix}:audit:seen` ZSET entry id → first-seen ms. An entry is an
 *   article id (the first item that produced that article) or an item id
 *   (`i…`) for an item skipped at the door (duplicate, unusable link).
 * - `{prefix}:audit:outcome` HASH entry id → `published` | `skipped:<reason>` |
 *   `failed:<stage>:<class>`. No field: still in flight. Latest write wins, so
 *   a failed article replayed and published ends `published`.
 * - `{prefix}:audit:failure` HASH article id → JSON {stage, jobId, class, reason, attempts, at}.
 * - `{prefix}:audit:item:{itemId}` marker (SET NX, record TTL): a re-poll of
 *   the same feed entry is not a new item.
 *
 * Outcomes are only written for entries in `seen`, so the hashes never hold
 * orphans; entries older than the record TTL are trimmed on each feed poll.
 */

export type Outcome = 'published' | `skipped:${string}` | `failed:${string}:${string}`;

/** Error classes derived from a failed job's reason (`failed list --class`, `audit`). */
export const FAILURE_CLASSES: Record<string, string> = {
  http_status: 'the origin answered 4xx/5xx (retryable ones only after all attempts)',
  timeout: 'connect, header or body timeout',
  network: 'connection refused/reset, DNS or socket error',
  blocked: 'SSRF guard: the host resolves to a non-public address',
  bad_scheme: 'not an http(s) URL',
  bad_content_type: 'not an HTML page (binary, PDF, image …)',
  too_large: 'body over the size cap',
  too_many_redirects: 'redirect cap exceeded',
  not_a_feed: 'feeds stage: the document is not a feed',
  malformed: 'feeds stage: the feed could not be parsed',
  EMPTY_INPUT: 'extract: empty page',
  NOT_HTML: 'extract: the page is not HTML',
  NO_CONTENT: 'extract: no article text found',
  INVALID_URL: 'extract: the page URL is invalid',
  TIMEOUT: 'extract: over the per-page time bound',
  CRASHED: 'extract: the extraction thread crashed',
  TOO_COMPLEX: 'extract: the document is too deeply nested',
  INVALID_OPTION: 'extract: bad option',
  missing_record: 'an input record was missing (expired or not yet written)',
  stalled: 'the job stalled more often than allowed (worker killed repeatedly)',
  schema: 'publish: an event failed its schema',
  other: 'anything else',
};

const CODE_PREFIX = /^([A-Za-z_]+): /;

/** The error class of a failed job, from its failedReason. */
export function classifyFailure(reason: string | undefined): string {
  const r = reason ?? '';
  const prefix = CODE_PREFIX.exec(r)?.[1];
  if (prefix && prefix in FAILURE_CLASSES && prefix !== 'other') return prefix;
  if (/^not a feed/i.test(r)) return 'not_a_feed';
  if (/^malformed feed/i.test(r)) return 'malformed';
  if (/^blocked: /.test(r)) return 'blocked';
  if (/^HTTP \d{3}\b/.test(r)) return 'http_status';
  if (/^timed out after|TIMEOUT/i.test(r)) return 'timeout';
  if (/^missing record/.test(r)) return 'missing_record';
  if (/stalled more than/i.test(r)) return 'stalled';
  if (/^(E[A-Z]+|UND_ERR_[A-Z_]+|[A-Za-z]*Error): /.test(r)) return 'network';
  if (/schema|invalid event/i.test(r)) return 'schema';
  return 'other';
}

/** Stable id of one feed entry: (feed, guid or link). */
export function itemIdFor(feedId: string, guidOrLink: string): string {
  return 'i' + createHash('sha256').update(`${feedId}\0${guidOrLink}`).digest('hex').slice(0, 20);
}

export interface SeenEntry {
  itemId: string;
  /** Absent when the item was dropped before it had an article id. */
  articleId?: string;
  /** Why it was dropped (only without articleId). */
  skipReason?: string;
}

// KEYS: item marker, seen, outcome. ARGV: itemId, articleId or '', now ms, ttl sec, skip reason.
// Returns 0 already known, 1 new article, 2 duplicate, 3 skipped at the door.
const RECORD_SEEN: LuaScript = {
  name: 'storylineAuditRecordSeen',
  lua: `
if redis.call('SET', KEYS[1], ARGV[2] == '' and '-' or ARGV[2], 'NX', 'EX', ARGV[4]) == false then return 0 end
if ARGV[2] == '' then
  redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[3], ARGV[1], 'skipped:' .. ARGV[5])
  return 3
end
if redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[2]) == 1 then return 1 end
redis.call('ZADD', KEYS[2], 'NX', ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], 'skipped:duplicate')
return 2
`,
};

// KEYS: seen, outcome, failure. ARGV: id, outcome, failure JSON or ''.
const SET_OUTCOME: LuaScript = {
  name: 'storylineAuditSetOutcome',
  lua: `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[3] == '' then redis.call('HDEL', KEYS[3], ARGV[1]) else redis.call('HSET', KEYS[3], ARGV[1], ARGV[3]) end
return 1
`,
};

// KEYS: seen, outcome, failure. ARGV: cutoff ms.
const TRIM: LuaScript = {
  name: 'storylineAuditTrim',
  lua: `
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
if #old > 0 then
  redis.call('ZREM', KEYS[1], unpack(old))
  redis.call('HDEL', KEYS[2], unpack(old))
  redis.call('HDEL', KEYS[3], unpack(old))
end
return #old
`,
};

/** Records feed entries as seen (idempotent per entry). Returns how many were new articles, duplicates and dropped. */
export async function recordSeen(
  redis: Redis,
  keys: Keyspace,
  entries: SeenEntry[],
  ttlSec: number,
  now = Date.now(),
): Promise<{ articles: number; duplicates: number; dropped: number }> {
  const out = { articles: 0, duplicates: 0, dropped: 0 };
  if (!entries.length) return out;
  defineScript(redis, RECORD_SEEN);
  defineScript(redis, TRIM);
  const pipe = redis.pipeline();
  for (const e of entries) {
    queueScript(
      pipe,
      RECORD_SEEN,
      3,
      keys.auditItem(e.itemId),
      keys.auditSeen,
      keys.auditOutcome,
      e.itemId,
      e.articleId ?? '',
      now,
      ttlSec,
      e.skipReason ?? 'filtered',
    );
  }
  queueScript(pipe, TRIM, 3, keys.auditSeen, keys.auditOutcome, keys.auditFailure, now - ttlSec * 1000);
  const res = (await pipe.exec()) ?? [];
  for (const [err, v] of res.slice(0, entries.length)) {
    if (err) throw err;
    if (v === 1) out.articles++;
    else if (v === 2) out.duplicates++;
    else if (v === 3) out.dropped++;
  }
  return out;
}

export async function recordPublished(redis: Redis, keys: Keyspace, articleId: string): Promise<void> {
  await runScript(redis, SET_OUTCOME, 3, keys.auditSeen, keys.auditOutcome, keys.auditFailure, articleId, 'published', '');
}

export interface FailureRecord {
  stage: string;
  jobId: string;
  class: string;
  reason: string;
  attempts: number;
  at: string;
}

/** A final failure of an article's job (retries exhausted or unrecoverable). */
export async function recordFailed(
  redis: Redis,
  keys: Keyspace,
  articleId: string,
  f: { stage: string; jobId: string; reason: string; attempts: number },
): Promise<void> {
  const cls = classifyFailure(f.reason);
  const rec: FailureRecord = { ...f, class: cls, reason: f.reason.slice(0, 500), at: new Date().toISOString() };
  await runScript(
    redis,
    SET_OUTCOME,
    3,
    keys.auditSeen,
    keys.auditOutcome,
    keys.auditFailure,
    articleId,
    `failed:${f.stage}:${cls}`,
    JSON.stringify(rec),
  );
}

/** A replayed failed job: the article is in flight again until its next outcome. */
export async function clearFailed(redis: Redis, keys: Keyspace, articleId: string): Promise<void> {
  const cur = await redis.hget(keys.auditOutcome, articleId);
  if (cur?.startsWith('failed:')) await redis.multi().hdel(keys.auditOutcome, articleId).hdel(keys.auditFailure, articleId).exec();
}

export interface AuditCounts {
  seen: number;
  published: number;
  skipped: Record<string, number>;
  /** stage → class → count */
  failed: Record<string, Record<string, number>>;
  inFlight: number;
  /** Outcomes that parse as none of the three. */
  unknown: number;
  /** A few in-flight entry ids, for a look. */
  inFlightSample: string[];
}

/** Pure: counts for a list of (id, outcome or null). */
export function countOutcomes(rows: Array<[string, string | null]>): AuditCounts {
  const c: AuditCounts = { seen: rows.length, published: 0, skipped: {}, failed: {}, inFlight: 0, unknown: 0, inFlightSample: [] };
  for (const [id, o] of rows) {
    if (o == null) {
      c.inFlight++;
      if (c.inFlightSample.length < 10) c.inFlightSample.push(id);
    } else if (o === 'published') c.published++;
    else if (o.startsWith('skipped:')) {
      const reason = o.slice(8) || 'unknown';
      c.skipped[reason] = (c.skipped[reason] ?? 0) + 1;
    } else if (o.startsWith('failed:')) {
      const [, stage = '?', cls = 'other'] = o.split(':');
      (c.failed[stage] ??= {})[cls] = (c.failed[stage][cls] ?? 0) + 1;
    } else c.unknown++;
  }
  return c;
}

export const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
export const failedTotal = (c: AuditCounts): number => sum(Object.fromEntries(Object.entries(c.failed).map(([s, r]) => [s, sum(r)])));

/** Reads the entries first seen in [sinceMs, untilMs] with their outcomes and counts them. */
export async function auditWindow(redis: Redis, keys: Keyspace, sinceMs: number, untilMs: number): Promise<AuditCounts> {
  const ids = await redis.zrangebyscore(keys.auditSeen, sinceMs, untilMs);
  const rows: Array<[string, string | null]> = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const outs = await redis.hmget(keys.auditOutcome, ...chunk);
    chunk.forEach((id, j) => rows.push([id, outs[j] ?? null]));
  }
  return countOutcomes(rows);
}

/** `2026-11-29T10:00:00Z`, or a duration back from now: `90s`, `30m`, `1h`, `2d`, `1w`. */
export function parseTimeArg(value: string, now = Date.now()): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(value.trim());
  if (m) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'ms'];
    return now - Number(m[1]) * unit;
  }
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new Error(`not a time or duration: "${value}" (ISO 8601, or e.g. 30m, 1h, 2d)`);
  return t;
}
