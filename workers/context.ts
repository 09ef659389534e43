import type { Redis } from 'ioredis';
import type { StorylineConfig } from '../config';
import type { StageQueues } from '../queues';
import type { HttpClient } from '../src/fetch/http';
import type { RecordStore } from '../src/store/records';
import type { Logger } from '../src/util/logger';

/** What every stage processor gets: config, record store, next-stage queues, HTTP, logger. */
export interface StageContext {
  cfg: StorylineConfig;
  redis: Redis;
  store: RecordStore;
  queues: StageQueues;
  http: HttpClient;
  logger: Logger;
}
