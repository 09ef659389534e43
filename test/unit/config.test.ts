import { ConfigError, loadConfig } from '../../config';

test('defaults validate', () => {
  const cfg = loadConfig(undefined, {});
  expect(cfg.redis.url).toBe('redis://127.0.0.1:6379');
  expect(cfg.concurrency.merge).toBe(1);
  expect(cfg.feeds.list.length).toBeGreaterThan(0);
});

test('environment variables override defaults', () => {
  const cfg = loadConfig(undefined, {
    REDIS_URL: 'redis://example:6380/2',
    LOG_LEVEL: 'debug',
    STORYLINE_CONCURRENCY_FETCH: '3',
    STORYLINE_FETCH_ALLOW_CIDRS: '127.0.0.0/8, ::1/128',
  });
  expect(cfg.redis.url).toBe('redis://example:6380/2');
  expect(cfg.log.level).toBe('debug');
  expect(cfg.concurrency.fetch).toBe(3);
  expect(cfg.fetch.allowPrivateCidrs).toEqual(['127.0.0.0/8', '::1/128']);
});

test.each([
  ['STORYLINE_CONCURRENCY_FETCH', 'lots', 'concurrency.fetch'],
  ['STORYLINE_MERGE_THRESHOLD', '1.5', 'merge.threshold'],
  ['STORYLINE_MERGE_DF_GENERATION', '-1', 'merge.dfGenerationArticles'],
  ['STORYLINE_MERGE_DF_GENERATION', '50', 'merge.dfGenerationArticles'],
  ['LOG_LEVEL', 'loud', 'log.level'],
  ['REDIS_URL', 'http://nope', 'redis.url'],
  ['STORYLINE_FETCH_ALLOW_CIDRS', 'everything', 'fetch.allowPrivateCidrs.0'],
])('a bad %s=%s stops with one line naming %s', (env, value, field) => {
  let error: unknown;
  try {
    loadConfig(undefined, { [env]: value });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  expect(message).toContain(`Invalid configuration: ${field}`);
  expect(message).toContain(env);
});

test('the merge stage cannot be configured with more than one writer', () => {
  expect(() => loadConfig((raw: any) => (raw.concurrency.merge = 4), {})).toThrow(/concurrency\.merge/);
});
