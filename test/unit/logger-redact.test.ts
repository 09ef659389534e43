import { Writable } from 'node:stream';
import { createLogger } from '../../src/util/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, stream };
}

test('secrets are redacted and URLs keep everything but their password', () => {
  const { lines, stream } = capture();
  const log = createLogger('info', { role: 'test' }, stream);
  log.info(
    {
      url: 'redis://user:pw123@redis.internal:6379/0',
      feed: { url: 'https://news.example/feed.xml' },
      cfg: { redis: { url: 'rediss://:hunter2@cache:6380' } },
      password: 'p',
      subscription: { id: 'crm', secret: 'whsec_abc' },
      dashboard: { user: 'ops', password: 'dash-pass', token: 'tok-1234567890abcdef' },
      headers: { authorization: 'Basic b3BzOmRhc2g=', cookie: 'XSRF-TOKEN=abc', 'set-cookie': 'XSRF-TOKEN=def' },
      articleId: 'a123',
    },
    'hello',
  );
  const out = lines.join('');
  for (const secret of [
    'pw123',
    'hunter2',
    'whsec_abc',
    'dash-pass',
    'tok-1234567890abcdef',
    'b3BzOmRhc2g=',
    'XSRF-TOKEN=abc',
    'XSRF-TOKEN=def',
  ]) {
    expect(out).not.toContain(secret);
  }
  const line = JSON.parse(out) as Record<string, any>;
  expect(line.url).toBe('redis://user:***@redis.internal:6379/0');
  expect(line.feed.url).toBe('https://news.example/feed.xml');
  expect(line.cfg.redis.url).toBe('rediss://:***@cache:6380');
  expect(line.subscription.id).toBe('crm');
  expect(line.dashboard.user).toBe('ops');
  expect(line.articleId).toBe('a123');
});
