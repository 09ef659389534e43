import { freePort } from '../../src/util/redis-server';

test('freePort returns a usable port number', async () => {
  const p = await freePort();
  expect(p).toBeGreaterThan(1024);
  expect(p).toBeLessThan(65536);
});
