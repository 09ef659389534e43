import type { ChainableCommander, Redis } from 'ioredis';

/*
 * Lua scripts run by name through ioredis's defineCommand: EVALSHA, with the
 * script body sent (EVAL) only the first time on each socket and again after
 * a NOSCRIPT (a Redis restart empties the script cache). A plain
 * `redis.eval(body, …)` sends the whole body on every call and Redis hashes
 * it each time; at several scripts per article (host limiter, audit, event
 * dedupe, feed items) that was most of the EVAL time in `npm run bench`.
 */

export interface LuaScript {
  /** The command name on the connection: unique, prefixed `storyline`, not a Redis command. */
  name: string;
  lua: string;
}

type ScriptCall = (...args: Array<string | number>) => unknown;

/** Defines the script on this connection once; pipelines and MULTIs made from it afterwards have it too. */
export function defineScript(redis: Redis, script: LuaScript): void {
  const r = redis as unknown as Record<string, unknown>;
  if (typeof r[script.name] !== 'function') redis.defineCommand(script.name, { lua: script.lua });
}

/** Runs the script; args as for EVAL after the body: numkeys, keys…, argv…. */
export function runScript<T>(redis: Redis, script: LuaScript, ...args: Array<string | number>): Promise<T> {
  defineScript(redis, script);
  return (redis as unknown as Record<string, ScriptCall>)[script.name](...args) as Promise<T>;
}

/**
 * Queues the script in a pipeline or MULTI. The script must have been defined
 * (defineScript) on the connection before the pipeline was made: ioredis
 * copies the defined scripts when it creates one.
 */
export function queueScript(pipe: ChainableCommander, script: LuaScript, ...args: Array<string | number>): void {
  const fn = (pipe as unknown as Record<string, ScriptCall | undefined>)[script.name];
  if (!fn) throw new Error(`script ${script.name} is not defined on this connection (call defineScript before making the pipeline)`);
  fn.call(pipe, ...args);
}
