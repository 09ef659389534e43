import { Redis } from 'ioredis';
import { resolveDemoRedis } from '../../src/demo/run';
import { freePort } from '../../src/util/redis-server';
import { testRedisUrl } from '../helpers/redis';

test('the demo prefers REDIS_URL', async () => {
  const r = await resolveDemoRedis(undefined, { REDIS_URL: 'redis://elsewhere:6390' });
  expect(r).toEqual({ url: 'redis://elsewhere:6390' });
});

test('the demo uses a local Redis when one answers', async () => {
  const r = await resolveDemoRedis(undefined, {}, testRedisUrl());
  expect(r.url).toBe(testRedisUrl());
  expect(r.owned).toBeUndefined();
});

test('with no Redis reachable the demo starts its own redis-server, and stops it', async () => {
  const closed = `redis://127.0.0.1:${await freePort()}`;
  const r = await resolveDemoRedis(undefined, {}, closed);
  expect(r.owned).toBeDefined();
  const client = new Redis(r.url);
  try {
    expect(await client.ping()).toBe('PONG');
  } finally {
    client.disconnect();
    await r.owned!.stop();
  }
});
