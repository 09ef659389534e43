import type { StorylineConfig } from '../config';
import { applyQueuePolicies, closeQueues, openQueues } from '../queues';
import { createHttpClient } from '../src/fetch/http';
import { RecordStore } from '../src/store/records';
import { createRedis } from '../src/store/redis';
import { createLogger, type Logger } from '../src/util/logger';
import type { StageContext } from './context';

export interface Runtime extends StageContext {
  close(): Promise<void>;
}

/** Opens Redis, the queues and the HTTP client for one process. */
export async function openRuntime(cfg: StorylineConfig, logger?: Logger): Promise<Runtime> {
  const log = logger ?? createLogger(cfg.log.level);
  const redis = createRedis(cfg.redis.url);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  await redis.ping();
  await requireRedisVersion(redis);
  const store = new RecordStore(redis, cfg.redis.prefix, cfg.retention);
  const queues = openQueues(cfg);
  await applyQueuePolicies(queues);
  const http = createHttpClient(cfg.fetch);
  return {
    cfg,
    redis,
    store,
    queues,
    http,
    logger: log,
    async close() {
      await closeQueues(queues);
      await http.close();
      redis.disconnect();
    },
  };
}

/** SET … GET and COPY (the merge commit) need Redis 6.2; older servers fail at start with a clear error, not mid-run. */
export const MIN_REDIS_VERSION = [6, 2] as const;

async function requireRedisVersion(redis: ReturnType<typeof createRedis>): Promise<void> {
  const version = /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1];
  if (!version) return; // a proxy that hides INFO: let the commands speak for themselves
  const [major, minor] = version.split('.').map(Number);
  if (major > MIN_REDIS_VERSION[0] || (major === MIN_REDIS_VERSION[0] && minor >= MIN_REDIS_VERSION[1])) return;
  redis.disconnect();
  throw new Error(`Storyline needs Redis ${MIN_REDIS_VERSION.join('.')} or newer; the server at the configured URL runs ${version}`);
}
