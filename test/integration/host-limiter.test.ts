import { Redis } from 'ioredis';
import { HostBusyError, HostLimiter } from '../../src/fetch/host-limiter';
import { cleanup, testRedisUrl, uniquePrefix } from '../helpers/redis';

/* The Redis-backed per-host limiter on its own: leases, spacing, giving up. */
const prefix = uniquePrefix('host-limiter');
let redis: Redis;

beforeAll(() => {
  redis = new Redis(testRedisUrl());
});
afterAll(async () => {
  redis.disconnect();
  await cleanup(prefix);
});

test('a slot whose holder died frees itself when its lease runs out', async () => {
  const limiter = new HostLimiter(redis, prefix, { concurrency: 1, spacingMs: 0, leaseMs: 300 });
  await limiter.acquire('dead.example', 1000); // never released: the holder "crashed"
  expect(await limiter.tryAcquire('dead.example')).toHaveProperty('waitMs');
  const started = Date.now();
  const lease = await limiter.acquire('dead.example', 2000);
  expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  await limiter.release(lease);
  expect(await limiter.tryAcquire('dead.example')).toHaveProperty('token');
});

test('spacing is per host, and a caller that cannot wait long enough gets HostBusyError', async () => {
  const limiter = new HostLimiter(redis, prefix, { concurrency: 10, spacingMs: 1000, leaseMs: 5000 });
  await limiter.acquire('a.example', 100);
  await limiter.acquire('b.example', 100); // another host is not held back
  const busy = await limiter.acquire('a.example', 100).catch((err: unknown) => err);
  expect(busy).toBeInstanceOf(HostBusyError);
  expect((busy as HostBusyError).retryInMs).toBeGreaterThan(800);
});
