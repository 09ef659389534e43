import { classifyFailure, countOutcomes, itemIdFor, parseTimeArg } from '../../src/audit';
import { checkAudit } from '../../src/commands/audit';

test('error classes from failedReason prefixes', () => {
  expect(classifyFailure('http_status: HTTP 404 for http://x/a')).toBe('http_status');
  expect(classifyFailure('HTTP 503 for http://x/a')).toBe('http_status');
  expect(classifyFailure('bad_content_type: content type application/octet-stream is not allowed')).toBe('bad_content_type');
  expect(classifyFailure('timed out after 20000 ms fetching http://x/')).toBe('timeout');
  expect(classifyFailure('blocked: 10.0.0.1 resolves to non-public address 10.0.0.1')).toBe('blocked');
  expect(classifyFailure('not a feed: detected html (http://x/)')).toBe('not_a_feed');
  expect(classifyFailure('NO_CONTENT: no article text')).toBe('NO_CONTENT');
  expect(classifyFailure('ECONNRESET: socket hang up (http://x/)')).toBe('network');
  expect(classifyFailure('missing record: item a1')).toBe('missing_record');
  expect(classifyFailure('job stalled more than allowable limit')).toBe('stalled');
  expect(classifyFailure('something odd')).toBe('other');
  expect(classifyFailure(undefined)).toBe('other');
});

test('counts and checks', () => {
  const c = countOutcomes([
    ['a1', 'published'],
    ['i1', 'skipped:duplicate'],
    ['a2', 'failed:fetch:http_status'],
    ['a3', null],
  ]);
  expect(c).toMatchObject({ seen: 4, published: 1, skipped: { duplicate: 1 }, failed: { fetch: { http_status: 1 } }, inFlight: 1 });
  expect(checkAudit(c, 3).ok).toBe(true);
  const lost = checkAudit(c, 0);
  expect(lost.ok).toBe(false);
  expect(lost.problems[0]).toMatch(/1 item\(s\) have no outcome while the queues are empty/);
  expect(checkAudit(countOutcomes([['a1', 'weird']]), 0).ok).toBe(false);
});

test('time arguments and item ids', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  expect(parseTimeArg('1h', now)).toBe(now - 3_600_000);
  expect(parseTimeArg('30m', now)).toBe(now - 1_800_000);
  expect(parseTimeArg('2026-11-29T10:00:00Z', now)).toBe(Date.parse('2026-11-29T10:00:00Z'));
  expect(() => parseTimeArg('yesterday-ish', now)).toThrow(/not a time or duration/);
  expect(itemIdFor('f', 'g')).toMatch(/^i[0-9a-f]{20}$/);
  expect(itemIdFor('f', 'g')).not.toBe(itemIdFor('f2', 'g'));
});
