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

export interface CommandCost {
  command: string;
  calls: number;
  usec: number;
}

/** `INFO commandstats`: calls and server time per command since the last CONFIG RESETSTAT, costliest first. */
export async function redisCommandCosts(redis: Redis): Promise<CommandCost[]> {
  const text = await redis.info('commandstats');
  const out: CommandCost[] = [];
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    out.push({ command: m[1], calls: Number(m[2]), usec: Number(m[3]) });
  }
  return out.sort((a, b) => b.usec - a.usec);
}
