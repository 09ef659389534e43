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

/**
 * Per-process state kept once per Redis connection and key prefix, made on
 * first use: several runtimes in one process (tests, the demo) never share it,
 * and a closed connection takes its entries with it (WeakMap).
 */
export function connectionScoped<T>(): (redis: object, prefix: string, create: () => T) => T {
  const byConnection = new WeakMap<object, Map<string, T>>();
  return (redis, prefix, create) => {
    let byPrefix = byConnection.get(redis);
    if (!byPrefix) byConnection.set(redis, (byPrefix = new Map()));
    let value = byPrefix.get(prefix);
    if (value === undefined) byPrefix.set(prefix, (value = create()));
    return value;
  };
}
