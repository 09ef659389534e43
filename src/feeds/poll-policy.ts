/**
 * When to poll a feed next. Pure: the caller passes the clock.
 *
 * The BullMQ job scheduler ticks every `intervalMs` for every enabled feed;
 * these functions compute `pollNotBefore`, a time before which a tick is a
 * no-op (see workers/feeds.ts and docs/feeds.md). So a feed is never polled
 * faster than its interval; backoff, Retry-After and cache hints only ever
 * postpone, and a postponed poll happens at the first tick at or after
 * `pollNotBefore` (late by less than one interval).
 */

export interface PollPolicy {
  /** The feed's poll interval (its scheduler's tick). */
  intervalMs: number;
  /** Cap on exponential backoff. Retry-After may ask for longer and is honoured up to 24 h. */
  maxBackoffMs: number;
  /** Cap on how long <ttl>/Cache-Control may postpone a poll. */
  maxCacheHintMs: number;
  /** Consecutive failures after which the feed is disabled; 0 = never. */
  disableAfterFailures: number;
}

export interface PollDecision {
  /** When the next poll is due (shown by `feeds list`). */
  nextPollAt: number;
  /** Ticks before this time are skipped; undefined when the next tick may poll. */
  pollNotBefore?: number;
  /** Why the next poll is later than the next tick. */
  reason: 'interval' | 'ttl' | 'cache-control' | 'backoff' | 'retry-after';
}

/** Retry-After beyond this is treated as this (a typo or a hostile header must not park a feed for a year). */
export const MAX_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * Freshness a response or document asks for, in ms: Cache-Control max-age
 * (s-maxage is for shared caches, not us), else Expires, else RSS <ttl>; the
 * longest wins, as all three are the publisher saying "not before".
 * no-cache / no-store give no hint.
 */
export function cacheHintMs(
  headers: Record<string, string | undefined>,
  ttlMinutes: number | undefined,
  now: number,
): { ms: number; source: 'ttl' | 'cache-control' } | undefined {
  let fromHeaders: number | undefined;
  const cacheControl = (headers['cache-control'] ?? '').toLowerCase();
  if (!/\bno-(?:cache|store)\b/.test(cacheControl)) {
    const maxAge = /(?:^|[\s,])max-age\s*=\s*"?(\d{1,10})"?/.exec(cacheControl);
    if (maxAge) fromHeaders = Number(maxAge[1]) * 1000;
    else if (headers.expires) {
      const expires = Date.parse(headers.expires);
      if (!Number.isNaN(expires)) fromHeaders = Math.max(0, expires - now);
    }
  }
  const fromTtl = ttlMinutes !== undefined ? ttlMinutes * 60_000 : undefined;
  if (fromHeaders === undefined && fromTtl === undefined) return undefined;
  if (fromTtl !== undefined && (fromHeaders === undefined || fromTtl > fromHeaders)) return { ms: fromTtl, source: 'ttl' };
  return { ms: fromHeaders as number, source: 'cache-control' };
}

/** After a successful poll (200 or 304): the interval, or longer if the publisher asked, within bounds. */
export function afterSuccess(
  policy: PollPolicy,
  now: number,
  hint: { ms: number; source: 'ttl' | 'cache-control' } | undefined,
): PollDecision {
  const hinted = hint ? Math.min(hint.ms, policy.maxCacheHintMs) : 0;
  if (!hint || hinted <= policy.intervalMs) return { nextPollAt: now + policy.intervalMs, reason: 'interval' };
  return { nextPollAt: now + hinted, pollNotBefore: now + hinted, reason: hint.source };
}

/** Exponential backoff: the interval doubled per consecutive failure after the first, capped. */
export function backoffMs(policy: PollPolicy, consecutiveErrors: number): number {
  const doublings = Math.min(Math.max(0, consecutiveErrors - 1), 30);
  return Math.min(policy.maxBackoffMs, policy.intervalMs * 2 ** doublings);
}

/**
 * After a failed poll. `consecutiveErrors` counts this failure. Retry-After
 * (429/503) is a floor: the poll waits for the longer of it and the backoff.
 */
export function afterFailure(
  policy: PollPolicy,
  now: number,
  consecutiveErrors: number,
  retryAfterMs: number | undefined,
): PollDecision & { disable: boolean } {
  const disable = policy.disableAfterFailures > 0 && consecutiveErrors >= policy.disableAfterFailures;
  const backoff = backoffMs(policy, consecutiveErrors);
  const retryAfter = retryAfterMs === undefined ? undefined : Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  const wait = Math.max(backoff, retryAfter ?? 0);
  const reason = retryAfter !== undefined && retryAfter >= backoff ? 'retry-after' : 'backoff';
  // The first failure with no Retry-After waits one interval: the next tick as usual.
  const pollNotBefore = wait > policy.intervalMs || retryAfter !== undefined ? now + wait : undefined;
  return { nextPollAt: now + wait, pollNotBefore, reason, disable };
}

/**
 * Whether a tick at `now` should poll. One second of slack: scheduler ticks
 * and HTTP dates are second-grained, and a tick a few ms early must not cost
 * a whole interval.
 */
export function isPollDue(pollNotBefore: number | undefined, now: number): boolean {
  return pollNotBefore === undefined || now >= pollNotBefore - 1000;
}
