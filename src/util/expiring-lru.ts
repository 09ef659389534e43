/*
 * A Map with least-recently-used eviction and optional per-entry expiry, for
 * per-process caches of what lives in Redis (the merge worker's mirror and
 * member cache).
 */

/** Entries with a TTL are forgotten this long before the Redis key they copy expires, against clock skew between the worker and Redis. */
const EXPIRY_MARGIN_MS = 60_000;

interface Timed<T> {
  value: T;
  /** ms since epoch; Infinity when the key has no TTL. */
  expiresAt: number;
}

/** A Map with least-recently-used eviction and per-entry expiry. */
export class ExpiringLru<T> {
  private readonly map = new Map<string, Timed<T>>();
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string, now = Date.now()): T | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= now) {
      this.map.delete(key);
      return undefined;
    }
    // Refresh recency: Map iteration order puts the least recent first.
    this.map.delete(key);
    this.map.set(key, hit);
    return hit.value;
  }

  has(key: string, now = Date.now()): boolean {
    return this.get(key, now) !== undefined;
  }

  /** ttlSec undefined: no expiry (the Redis key has none). */
  set(key: string, value: T, ttlSec?: number, now = Date.now()): void {
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: ttlSec === undefined ? Infinity : now + ttlSec * 1000 - EXPIRY_MARGIN_MS });
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  /** The live entries, least recently used first (does not refresh recency). */
  *entries(now = Date.now()): Generator<[string, T]> {
    for (const [key, hit] of this.map) if (hit.expiresAt > now) yield [key, hit.value];
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
