import type { RedisServerHandle } from '../../src/util/redis-server';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>).__STORYLINE_REDIS__ as RedisServerHandle | undefined;
  if (server) await server.stop();
}
