import type { Redis } from 'ioredis';
import type { Logger } from '../util/logger';

/*
 * Reference consumer of the events stream, on a Redis consumer group.
 *
 * Delivery is at least once: an entry is acknowledged (XACK) only after the
 * handler returned, so a consumer that dies in between gets it again:
 *   1. on restart under the same consumer name it first re-reads its own
 *      pending entries (XREADGROUP … STREAMS key 0);
 *   2. entries pending on any consumer (a dead one, or this one after a
 *      handler error) for longer than `claimIdleMs` are taken over with
 *      XAUTOCLAIM;
 *   3. then new entries (XREADGROUP … >).
 * A handler must therefore be idempotent: deduplicate on the event id.
 */

export interface ConsumedEvent {
  /** Stream entry id (`1700000000000-0`). */
  streamId: string;
  /** CloudEvent id: the deduplication key. */
  id: string;
  type: string;
  /** The CloudEvent, parsed. */
  event: Record<string, unknown>;
  /** The CloudEvent JSON as stored. */
  json: string;
  /** How the entry reached us this time. */
  via: 'pending' | 'claimed' | 'new';
}

export interface ConsumeOptions {
  /** A connection of its own: XREADGROUP BLOCK holds it while waiting. */
  redis: Redis;
  /** Full stream key, e.g. `storyline:events`. */
  stream: string;
  group: string;
  /** Stable across restarts, unique among live consumers of the group. */
  consumer: string;
  handler: (event: ConsumedEvent) => Promise<void> | void;
  signal: AbortSignal;
  /** Create the group at the start of the stream instead of its end (only when the group does not exist yet). */
  fromStart?: boolean;
  /** Entries per read. */
  count?: number;
  /** How long one blocking read waits; also bounds how long an abort takes to be noticed. */
  blockMs?: number;
  /** Pending entries idle this long are taken over from their consumer. */
  claimIdleMs?: number;
  /** How often to look for such entries. */
  claimEveryMs?: number;
  logger?: Logger;
}

export interface ConsumeStats {
  handled: number;
  pending: number;
  claimed: number;
  failed: number;
}

type Entry = [id: string, fields: string[] | null];

/** Creates the group if missing (MKSTREAM: the stream may not exist yet). */
export async function ensureGroup(redis: Redis, stream: string, group: string, fromStart: boolean): Promise<boolean> {
  try {
    await redis.xgroup('CREATE', stream, group, fromStart ? '0' : '$', 'MKSTREAM');
    return true;
  } catch (err) {
    if (/BUSYGROUP/.test((err as Error).message)) return false;
    throw err;
  }
}

function toEvent(streamId: string, fields: string[], via: ConsumedEvent['via']): ConsumedEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]] = fields[i + 1];
  const json = f.event ?? '{}';
  return { streamId, id: f.id ?? '', type: f.type ?? '', event: JSON.parse(json) as Record<string, unknown>, json, via };
}

export async function consumeEvents(opts: ConsumeOptions): Promise<ConsumeStats> {
  const { redis, stream, group, consumer, signal } = opts;
  const count = opts.count ?? 50;
  const blockMs = opts.blockMs ?? 2_000;
  const claimIdleMs = opts.claimIdleMs ?? 60_000;
  const claimEveryMs = opts.claimEveryMs ?? Math.min(claimIdleMs, 30_000);
  const log = opts.logger?.child({ stream, group, consumer });
  const stats: ConsumeStats = { handled: 0, pending: 0, claimed: 0, failed: 0 };
  const created = await ensureGroup(redis, stream, group, opts.fromStart ?? false);
  log?.info({ created }, 'consumer started');

  /** Handles entries in order and acks each; stops early (leaving the rest pending) on abort. */
  const handle = async (entries: Entry[], via: ConsumedEvent['via']): Promise<void> => {
    for (const [streamId, fields] of entries) {
      if (signal.aborted) return;
      // Trimmed from the stream (MAXLEN) while pending: nothing left to handle, just ack it.
      if (!fields) {
        await redis.xack(stream, group, streamId);
        continue;
      }
      let event: ConsumedEvent;
      try {
        event = toEvent(streamId, fields, via);
      } catch (err) {
        // Unparseable entries will not parse on a retry either.
        log?.error({ streamId, err: (err as Error).message }, 'unparseable entry acknowledged and skipped');
        await redis.xack(stream, group, streamId);
        continue;
      }
      try {
        await opts.handler(event);
      } catch (err) {
        // Left pending: XAUTOCLAIM hands it out again once it has been idle for claimIdleMs.
        stats.failed++;
        log?.warn({ streamId, eventId: event.id, err: (err as Error).message }, 'handler failed: entry left pending');
        continue;
      }
      await redis.xack(stream, group, streamId);
      stats.handled++;
      if (via === 'pending') stats.pending++;
      if (via === 'claimed') stats.claimed++;
    }
  };

  // 1. Our own pending entries, from an earlier run under this consumer name.
  let after = '0';
  while (!signal.aborted) {
    const res = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', stream, after)) as Array<
      [string, Entry[]]
    > | null;
    const entries = res?.[0]?.[1] ?? [];
    if (!entries.length) break;
    await handle(entries, 'pending');
    after = entries[entries.length - 1][0];
  }

  let lastClaim = 0;
  while (!signal.aborted) {
    // 2. Entries other consumers took and never acknowledged.
    if (Date.now() - lastClaim >= claimEveryMs) {
      lastClaim = Date.now();
      let cursor = '0-0';
      do {
        const [next, entries] = (await redis.xautoclaim(stream, group, consumer, claimIdleMs, cursor, 'COUNT', count)) as [
          string,
          Entry[],
          string[]?,
        ];
        if (entries.length) log?.info({ claimed: entries.length }, 'took over entries idle on other consumers');
        await handle(entries, 'claimed');
        cursor = next;
      } while (cursor !== '0-0' && !signal.aborted);
    }
    if (signal.aborted) break;
    // 3. New entries.
    const res = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, '>')) as Array<
      [string, Entry[]]
    > | null;
    await handle(res?.[0]?.[1] ?? [], 'new');
  }
  log?.info(stats, 'consumer stopped');
  return stats;
}
