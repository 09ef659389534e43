import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { runScript, type LuaScript } from '../store/lua';

/*
 * Politeness per host, shared by every process and host through Redis: at
 * most `concurrency` requests in flight to one host, and at least `spacingMs`
 * between two request starts.
 *
 * Why a small Lua script rather than BullMQ's limiter or rate-limiter-flexible:
 *  - BullMQ's limiter is per queue, not per host (group limits are a Pro feature);
 *  - rate-limiter-flexible counts points per window, which gives a rate but
 *    neither a concurrency cap (it has no leases) nor millisecond spacing;
 *  - one script checks both conditions and takes the slot atomically, using
 *    Redis's clock (TIME), so workers on hosts with skewed clocks agree.
 * A slot is a lease in a sorted set scored by its expiry: a worker that dies
 * mid-request frees its slot when the lease runs out (request timeout + margin).
 */

const ACQUIRE: LuaScript = {
  name: 'storylineHostAcquire',
  lua: `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[2])
local spacing = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then
  return {0, 0}
end
local nextStart = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nextStart then
  return {0, nextStart - now}
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
if spacing > 0 then
  redis.call('SET', KEYS[2], tostring(now + spacing), 'PX', spacing)
end
return {1, 0}
`,
};

export interface HostLimits {
  /** Requests in flight per host. */
  concurrency: number;
  /** Minimum ms between request starts per host. */
  spacingMs: number;
  /** How long a slot is held at most if its holder never releases it. */
  leaseMs: number;
}

export interface HostLease {
  host: string;
  token: string;
  /** How long this caller waited for the slot. */
  waitedMs: number;
}

/** The host stayed busy for longer than the caller wanted to wait in-process. */
export class HostBusyError extends Error {
  constructor(
    readonly host: string,
    /** A reasonable time to come back. */
    readonly retryInMs: number,
  ) {
    super(`host ${host} busy: politeness limits, retry in ${retryInMs} ms`);
    this.name = 'HostBusyError';
  }
}

/** While all slots are taken, how often to look again (a release frees one at any time). */
const BUSY_POLL_MS = 50;

export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return 'invalid-url';
  }
}

export class HostLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limits: HostLimits,
  ) {}

  private keys(host: string): [string, string] {
    return [`${this.prefix}:host:${host}:slots`, `${this.prefix}:host:${host}:next`];
  }

  /** One attempt: a lease, or how long to wait before trying again. */
  async tryAcquire(host: string): Promise<{ token: string } | { waitMs: number }> {
    const token = randomUUID();
    const [slots, next] = this.keys(host);
    const [ok, wait] = (await runScript(
      this.redis,
      ACQUIRE,
      2,
      slots,
      next,
      token,
      this.limits.concurrency,
      this.limits.spacingMs,
      this.limits.leaseMs,
    )) as [number, number];
    return ok === 1 ? { token } : { waitMs: wait > 0 ? wait : BUSY_POLL_MS };
  }

  /**
   * Waits for a slot up to `maxWaitMs`, then gives up with HostBusyError (the
   * worker then delays its job instead of holding a concurrency slot).
   */
  async acquire(host: string, maxWaitMs: number): Promise<HostLease> {
    const started = Date.now();
    for (;;) {
      const res = await this.tryAcquire(host);
      if ('token' in res) return { host, token: res.token, waitedMs: Date.now() - started };
      const waited = Date.now() - started;
      if (waited + res.waitMs > maxWaitMs) throw new HostBusyError(host, Math.max(res.waitMs, this.limits.spacingMs, BUSY_POLL_MS));
      // Jitter so that waiters on several processes do not retry in lockstep.
      await new Promise((r) => setTimeout(r, res.waitMs + Math.floor(Math.random() * 20)));
    }
  }

  async release(lease: HostLease): Promise<void> {
    await this.redis.zrem(this.keys(lease.host)[0], lease.token);
  }

  /** Runs `fn` holding a slot for the URL's host. */
  async run<T>(url: string, maxWaitMs: number, fn: () => Promise<T>): Promise<T> {
    const lease = await this.acquire(hostOf(url), maxWaitMs);
    try {
      return await fn();
    } finally {
      await this.release(lease).catch(() => undefined); // the lease expires by itself
    }
  }
}
