import { Redis } from 'ioredis';
import { loadConfig, type StorylineConfig } from '../../config';
import { clearPrefix } from '../../src/store/redis';

/** The private redis-server started by globalSetup (never the shared one on 6379). */
export function testRedisUrl(): string {
  const url = process.env.STORYLINE_TEST_REDIS_URL;
  if (!url) throw new Error('STORYLINE_TEST_REDIS_URL is not set: run the tests through jest (globalSetup starts redis-server)');
  return url;
}

let counter = 0;
/** A key prefix unique to this test file and call, so tests never see each other's keys. */
export function uniquePrefix(name: string): string {
  counter++;
  return `t-${name}-${process.pid}-${counter}`;
}

/** Config for a test: private Redis, own prefix, loopback allowed, quiet logs, fast retries. */
export function testConfig(prefix: string, tweak: (raw: Record<string, any>) => void = () => undefined): StorylineConfig {
  return loadConfig((raw: Record<string, any>) => {
    raw.redis.url = testRedisUrl();
    raw.redis.prefix = prefix;
    raw.fetch.allowPrivateCidrs = ['127.0.0.0/8', '::1/128'];
    raw.feeds.list = [];
    raw.log.level = 'silent';
    raw.jobs.backoffDelayMs = 50;
    raw.jobs.attempts = 2;
    tweak(raw);
  }, {});
}

export async function withRedis<T>(fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 3 });
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

export async function cleanup(prefix: string): Promise<void> {
  await withRedis((r) => clearPrefix(r, prefix));
}
