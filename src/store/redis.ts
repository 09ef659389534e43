import { Redis } from 'ioredis';
import { connectionOptions } from '../../queues';

/** A plain ioredis client for record reads and writes (not for BullMQ's blocking use). */
export function createRedis(redisUrl: string, opts: { lazyConnect?: boolean } = {}): Redis {
  const base = connectionOptions(redisUrl) as Record<string, unknown>;
  // Records fail fast on a dead Redis so the job errors and BullMQ retries it.
  return new Redis({ ...base, maxRetriesPerRequest: 3, lazyConnect: opts.lazyConnect ?? false });
}

/** Deletes every key under `prefix:` (demo and tests isolate themselves this way). */
export async function clearPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
