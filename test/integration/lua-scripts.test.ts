import { Redis } from 'ioredis';
import { defineScript, queueScript, runScript, type LuaScript } from '../../src/store/lua';
import { startRedisServer, type RedisServerHandle } from '../../src/util/redis-server';

/**
 * Scripts run by name (src/store/lua.ts): the body crosses the wire once per
 * connection (EVAL), then only its hash (EVALSHA), and a Redis that lost its
 * script cache (restart, SCRIPT FLUSH) still runs them. A server of its own,
 * so its command counts are this test's alone.
 */
const ADD: LuaScript = { name: 'storylineTestAdd', lua: "return redis.call('INCRBY', KEYS[1], ARGV[1])" };

let server: RedisServerHandle;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});

afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

async function calls(command: string): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

test('sends the body once, then the hash; survives a flushed script cache', async () => {
  for (let i = 0; i < 20; i++) await runScript(redis, ADD, 1, 'n', 2);
  expect(await redis.get('n')).toBe('40');
  expect(await calls('eval')).toBe(1);
  expect(await calls('evalsha')).toBe(19);

  await redis.script('FLUSH');
  expect(await runScript(redis, ADD, 1, 'n', 1)).toBe(41);
});

test('queues in a pipeline when defined before the pipeline was made, and says so when not', async () => {
  const early = redis.pipeline();
  expect(() => queueScript(early, { name: 'storylineTestUndefined', lua: 'return 1' }, 0)).toThrow(/not defined on this connection/);

  defineScript(redis, ADD);
  const pipe = redis.pipeline();
  queueScript(pipe, ADD, 1, 'p', 5);
  queueScript(pipe, ADD, 1, 'p', 5);
  const res = await pipe.exec();
  expect(res?.map(([, v]) => v)).toEqual([5, 10]);
});
