import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULTS } from './defaults';
import { DEFAULT_FEEDS } from './feeds';

/*
 * Validated configuration. zod was chosen because the same schema gives us the
 * static type (z.infer) and the run-time check, so the two cannot drift.
 */

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'expected a CIDR such as 127.0.0.0/8');

const feedSchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, 'feed ids use letters, digits, ".", "_" and "-"'),
  url: z.string().url(),
  title: z.string().optional(),
  pollIntervalMs: positiveInt.optional(),
});

export const configSchema = z.object({
  redis: z.object({
    url: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL'),
    prefix: z.string().regex(/^[a-zA-Z0-9_{}-]+$/, 'letters, digits, "_", "-" and hash-tag braces only'),
  }),
  log: z.object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) }),
  feeds: z.object({
    pollIntervalMs: z.number().int().min(1000),
    maxItemsPerPoll: positiveInt,
    list: z.array(feedSchema),
  }),
  fetch: z.object({
    userAgent: z.string().min(1),
    connectTimeoutMs: positiveInt,
    timeoutMs: positiveInt,
    maxBodyBytes: positiveInt,
    maxRedirects: nonNegativeInt.max(20),
    allowedContentTypes: z.array(z.string().min(1)).min(1),
    allowPrivateCidrs: z.array(cidr),
  }),
  extract: z.object({ maxHtmlBytes: positiveInt }),
  merge: z.object({
    threshold: z.number().min(0).max(1),
    windowHours: z.number().positive(),
    relatedDays: z.number().positive(),
  }),
  concurrency: z.object({
    feeds: positiveInt,
    fetch: positiveInt,
    extract: positiveInt,
    tag: positiveInt,
    // The merge stage is a single writer (see docs/design.md): more than 1 is refused.
    merge: z.literal(1),
    publish: positiveInt,
  }),
  jobs: z.object({
    attempts: positiveInt,
    backoffDelayMs: positiveInt,
    backoffJitter: z.number().min(0).max(1),
  }),
  retention: z.object({
    completedCount: nonNegativeInt,
    completedAgeSec: positiveInt,
    failedCount: nonNegativeInt,
    failedAgeSec: positiveInt,
    htmlTtlSec: positiveInt,
    recordTtlSec: positiveInt,
    streamMaxLen: positiveInt,
  }),
  publish: z.object({ stream: z.string().min(1), source: z.string().min(1) }),
  api: z.object({ host: z.string().min(1), port: z.number().int().min(0).max(65535) }),
});

export type StorylineConfig = z.infer<typeof configSchema>;

type EnvKind = 'string' | 'number' | 'list';

/** Environment variable → config path. The README's configuration table mirrors this. */
export const ENV_OVERRIDES: Array<{ env: string; path: string; kind: EnvKind }> = [
  { env: 'REDIS_URL', path: 'redis.url', kind: 'string' },
  { env: 'STORYLINE_PREFIX', path: 'redis.prefix', kind: 'string' },
  { env: 'LOG_LEVEL', path: 'log.level', kind: 'string' },
  { env: 'STORYLINE_POLL_INTERVAL_MS', path: 'feeds.pollIntervalMs', kind: 'number' },
  { env: 'STORYLINE_MAX_ITEMS_PER_POLL', path: 'feeds.maxItemsPerPoll', kind: 'number' },
  { env: 'STORYLINE_USER_AGENT', path: 'fetch.userAgent', kind: 'string' },
  { env: 'STORYLINE_FETCH_CONNECT_TIMEOUT_MS', path: 'fetch.connectTimeoutMs', kind: 'number' },
  { env: 'STORYLINE_FETCH_TIMEOUT_MS', path: 'fetch.timeoutMs', kind: 'number' },
  { env: 'STORYLINE_FETCH_MAX_BYTES', path: 'fetch.maxBodyBytes', kind: 'number' },
  { env: 'STORYLINE_FETCH_MAX_REDIRECTS', path: 'fetch.maxRedirects', kind: 'number' },
  { env: 'STORYLINE_FETCH_ALLOW_CIDRS', path: 'fetch.allowPrivateCidrs', kind: 'list' },
  { env: 'STORYLINE_EXTRACT_MAX_HTML_BYTES', path: 'extract.maxHtmlBytes', kind: 'number' },
  { env: 'STORYLINE_MERGE_THRESHOLD', path: 'merge.threshold', kind: 'number' },
  { env: 'STORYLINE_MERGE_WINDOW_HOURS', path: 'merge.windowHours', kind: 'number' },
  { env: 'STORYLINE_RELATED_DAYS', path: 'merge.relatedDays', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_FEEDS', path: 'concurrency.feeds', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_FETCH', path: 'concurrency.fetch', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_EXTRACT', path: 'concurrency.extract', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_TAG', path: 'concurrency.tag', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_PUBLISH', path: 'concurrency.publish', kind: 'number' },
  { env: 'STORYLINE_JOB_ATTEMPTS', path: 'jobs.attempts', kind: 'number' },
  { env: 'STORYLINE_JOB_BACKOFF_MS', path: 'jobs.backoffDelayMs', kind: 'number' },
  { env: 'STORYLINE_KEEP_COMPLETED', path: 'retention.completedCount', kind: 'number' },
  { env: 'STORYLINE_KEEP_FAILED', path: 'retention.failedCount', kind: 'number' },
  { env: 'STORYLINE_HTML_TTL_SEC', path: 'retention.htmlTtlSec', kind: 'number' },
  { env: 'STORYLINE_RECORD_TTL_SEC', path: 'retention.recordTtlSec', kind: 'number' },
  { env: 'STORYLINE_STREAM_MAXLEN', path: 'retention.streamMaxLen', kind: 'number' },
  { env: 'STORYLINE_EVENTS_STREAM', path: 'publish.stream', kind: 'string' },
  { env: 'STORYLINE_API_HOST', path: 'api.host', kind: 'string' },
  { env: 'STORYLINE_API_PORT', path: 'api.port', kind: 'number' },
];

/** Thrown for any invalid setting; its message is the one line printed at start. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]] = value;
}

function convert(raw: string, kind: EnvKind): unknown {
  if (kind === 'list') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (kind === 'number') {
    const n = Number(raw);
    // Leave unparseable text as a string so the schema reports the field and the bad value.
    return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
  }
  return raw;
}

function readFeedsFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`Invalid configuration: feeds.list (STORYLINE_FEEDS_FILE=${file}): ${(err as Error).message}`);
  }
}

/**
 * Builds the config from defaults, an optional override object (used by the
 * demo and tests) and the environment, then validates all of it.
 */
export function loadConfig(
  overrides: (cfg: Record<string, unknown>) => void = () => undefined,
  env: NodeJS.ProcessEnv = process.env,
): StorylineConfig {
  const raw = structuredClone({ ...DEFAULTS, feeds: { ...DEFAULTS.feeds, list: DEFAULT_FEEDS } }) as Record<string, unknown>;
  const sources = new Map<string, string>();
  if (env.STORYLINE_FEEDS_FILE) {
    setPath(raw, 'feeds.list', readFeedsFile(env.STORYLINE_FEEDS_FILE));
    sources.set('feeds.list', `STORYLINE_FEEDS_FILE=${env.STORYLINE_FEEDS_FILE}`);
  }
  overrides(raw);
  for (const { env: name, path, kind } of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, path, convert(value, kind));
    sources.set(path, `${name}=${JSON.stringify(value)}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.');
    const source = [...sources.entries()].find(([p]) => field === p || field.startsWith(`${p}.`))?.[1];
    throw new ConfigError(`Invalid configuration: ${field}${source ? ` (from ${source})` : ''}: ${issue.message}`);
  }
  return parsed.data;
}
