import type { Redis } from 'ioredis';
import type { StreamEvent } from './events';
import { runScript, type LuaScript } from '../store/lua';

/*
 * Appends an event at most once per event id: a SET NX marker and the XADD run
 * in one Lua script, so a publish job retried after a crash cannot append the
 * same event twice. The stream is trimmed approximately (MAXLEN ~) to bound memory.
 * On Redis Cluster both keys must share a slot: use a hash-tagged prefix.
 */
const APPEND_ONCE: LuaScript = {
  name: 'storylineAppendEventOnce',
  lua: `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'id', ARGV[3], 'type', ARGV[4], 'event', ARGV[5])
end
return false
`,
};

export interface AppendResult {
  appended: boolean;
  streamId?: string;
}

export async function appendEventOnce(
  redis: Redis,
  keys: { seen: string; stream: string },
  event: StreamEvent,
  opts: { maxLen: number; dedupeTtlSec: number },
): Promise<AppendResult> {
  const res = (await runScript(
    redis,
    APPEND_ONCE,
    2,
    keys.seen,
    keys.stream,
    String(opts.dedupeTtlSec),
    String(opts.maxLen),
    event.id,
    event.type,
    event.json,
  )) as string | null;
  return res ? { appended: true, streamId: res } : { appended: false };
}
