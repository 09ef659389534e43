import { startRedisServer } from '../../src/util/redis-server';

/**
 * Starts one private redis-server for the whole test run on a free port in a
 * temporary directory, so tests never touch the shared Redis on 6379.
 */
export default async function globalSetup(): Promise<void> {
  const server = await startRedisServer();
  process.env.STORYLINE_TEST_REDIS_URL = server.url;
  (globalThis as Record<string, unknown>).__STORYLINE_REDIS__ = server;
}
