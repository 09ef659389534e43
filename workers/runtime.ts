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
