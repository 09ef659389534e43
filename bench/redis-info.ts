import type { Redis } from 'ioredis';

/** `INFO <section>` as a field reader (0 for an absent field). */
async function info(redis: Redis, section: string): Promise<(field: string) => number> {
  const text = await redis.info(section);
  return (field) => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(text)?.[1] ?? 0);
}

/** Redis `used_memory`, in bytes: what the benches report memory per record from. */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  return (await info(redis, 'memory'))('used_memory');
}

/** CPU the Redis server has used so far (user + system), in ms. */
export async function redisCpuMs(redis: Redis): Promise<number> {
  const field = await info(redis, 'cpu');
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}
