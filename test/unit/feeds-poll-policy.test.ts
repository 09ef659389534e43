import {
  afterFailure,
  afterSuccess,
  backoffMs,
  cacheHintMs,
  isPollDue,
  MAX_RETRY_AFTER_MS,
  type PollPolicy,
} from '../../src/feeds/poll-policy';

const policy: PollPolicy = { intervalMs: 60_000, maxBackoffMs: 10 * 60_000, maxCacheHintMs: 30 * 60_000, disableAfterFailures: 5 };
const now = Date.UTC(2026, 0, 1);

test('backoff doubles the interval per consecutive failure, up to the cap', () => {
  expect([1, 2, 3, 4, 5, 6, 40].map((n) => backoffMs(policy, n))).toEqual([60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000]);
});

test('the first failure waits for the next tick; later ones postpone it', () => {
  expect(afterFailure(policy, now, 1, undefined)).toEqual({
    nextPollAt: now + 60_000,
    pollNotBefore: undefined,
    reason: 'backoff',
    disable: false,
  });
  expect(afterFailure(policy, now, 3, undefined)).toMatchObject({ pollNotBefore: now + 240_000, reason: 'backoff' });
});

test('Retry-After is a floor over the backoff, capped at 24 h', () => {
  expect(afterFailure(policy, now, 1, 5_000)).toMatchObject({ pollNotBefore: now + 60_000, reason: 'backoff' });
  expect(afterFailure(policy, now, 1, 3 * 3600_000)).toMatchObject({ pollNotBefore: now + 3 * 3600_000, reason: 'retry-after' });
  expect(afterFailure(policy, now, 1, 365 * 24 * 3600_000)).toMatchObject({ pollNotBefore: now + MAX_RETRY_AFTER_MS });
});

test('a run of failures disables the feed; 0 means never', () => {
  expect(afterFailure(policy, now, 4, undefined).disable).toBe(false);
  expect(afterFailure(policy, now, 5, undefined).disable).toBe(true);
  expect(afterFailure({ ...policy, disableAfterFailures: 0 }, now, 500, undefined).disable).toBe(false);
});

test('cache hints: max-age, Expires, <ttl>; the longest wins; no-store gives none', () => {
  expect(cacheHintMs({ 'cache-control': 'public, max-age=600' }, undefined, now)).toEqual({ ms: 600_000, source: 'cache-control' });
  expect(cacheHintMs({ 'cache-control': 's-maxage=900' }, undefined, now)).toBeUndefined();
  expect(cacheHintMs({ expires: new Date(now + 120_000).toUTCString() }, undefined, now)).toEqual({ ms: 120_000, source: 'cache-control' });
  expect(cacheHintMs({ 'cache-control': 'max-age=60' }, 30, now)).toEqual({ ms: 1_800_000, source: 'ttl' });
  expect(cacheHintMs({ 'cache-control': 'no-store, max-age=600' }, undefined, now)).toBeUndefined();
  expect(cacheHintMs({}, undefined, now)).toBeUndefined();
});

test('after success: hints only postpone, and only up to the configured bound', () => {
  expect(afterSuccess(policy, now, undefined)).toEqual({ nextPollAt: now + 60_000, reason: 'interval' });
  expect(afterSuccess(policy, now, { ms: 10_000, source: 'cache-control' })).toEqual({ nextPollAt: now + 60_000, reason: 'interval' });
  expect(afterSuccess(policy, now, { ms: 10 * 60_000, source: 'ttl' })).toEqual({
    nextPollAt: now + 600_000,
    pollNotBefore: now + 600_000,
    reason: 'ttl',
  });
  expect(afterSuccess(policy, now, { ms: 24 * 3600_000, source: 'ttl' }).pollNotBefore).toBe(now + 30 * 60_000);
});

test('a tick is due at pollNotBefore, with one second of slack', () => {
  expect(isPollDue(undefined, now)).toBe(true);
  expect(isPollDue(now + 5_000, now)).toBe(false);
  expect(isPollDue(now + 900, now)).toBe(true);
});
