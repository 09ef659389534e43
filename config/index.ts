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

/** Standard Webhooks secret: `whsec_` + base64 of 24 to 64 random bytes. The value never appears in errors or logs. */
const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'expected whsec_ followed by base64')
  .refine((s) => {
    const bytes = Buffer.from(s.slice('whsec_'.length), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'the secret must encode 24 to 64 bytes');

const webhookSubscriptionSchema = z.object({
  // Used in job ids and Redis keys: no ':' (BullMQ) and no '.' (the job id separator).
  id: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, 'subscription ids use letters, digits, "_" and "-"'),
  url: z
    .string()
    .regex(/^https?:\/\//, 'expected an http:// or https:// URL')
    .pipe(z.url()),
  events: z.array(z.enum(['article.enriched.v1', 'story.created.v1', 'story.updated.v1', 'story.merged.v1'])).min(1),
  secret: webhookSecret,
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
    maxBackoffMs: positiveInt,
    disableAfterFailures: nonNegativeInt,
    maxCacheHintMs: positiveInt,
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
    perHostConcurrency: positiveInt,
    perHostSpacingMs: nonNegativeInt,
  }),
  extract: z.object({
    maxHtmlBytes: positiveInt,
    dom: z.enum(['linkedom', 'jsdom']),
    threads: nonNegativeInt.max(64),
    timeoutMs: positiveInt,
    threadNice: z.number().int().min(0).max(19),
  }),
  warmUp: z.object({
    articles: nonNegativeInt,
    pagesPerThread: nonNegativeInt,
  }),
  merge: z.object({
    threshold: z.number().min(0).max(1),
    windowHours: z.number().positive(),
    relatedDays: z.number().positive(),
    // 0 (count forever) or a generation long enough for idf to mean something.
    dfGenerationArticles: z.union([z.literal(0), z.number().int().min(1000)]),
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
    lockDurationMs: z.number().int().min(1000),
    extractLockDurationMs: z.number().int().min(1000),
    stalledIntervalMs: z.number().int().min(500),
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
  webhooks: z.object({
    subscriptions: z
      .array(webhookSubscriptionSchema)
      .refine((subs) => new Set(subs.map((s) => s.id)).size === subs.length, 'subscription ids must be unique'),
    attempts: positiveInt,
    backoffBaseMs: positiveInt,
    backoffMaxMs: positiveInt,
    timeoutMs: positiveInt,
    concurrency: positiveInt,
  }),
  api: z.object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65535),
    dashboard: z
      .object({
        user: z.string(),
        password: z.string(),
        token: z.string(),
        mode: z.enum(['read-only', 'read-write']),
      })
      .refine((d) => !d.user === !d.password, 'set both user and password for basic auth, or neither')
      .refine((d) => !d.token || d.token.length >= 16, 'the bearer token must be at least 16 characters'),
  }),
});

export type StorylineConfig = z.infer<typeof configSchema>;

type EnvKind = 'string' | 'number' | 'list' | 'json';

/** Environment variable → config path. The README's configuration table mirrors this. */
export const ENV_OVERRIDES: Array<{ env: string; path: string; kind: EnvKind }> = [
  { env: 'REDIS_URL', path: 'redis.url', kind: 'string' },
  { env: 'STORYLINE_PREFIX', path: 'redis.prefix', kind: 'string' },
  { env: 'LOG_LEVEL', path: 'log.level', kind: 'string' },
  { env: 'STORYLINE_POLL_INTERVAL_MS', path: 'feeds.pollIntervalMs', kind: 'number' },
  { env: 'STORYLINE_MAX_ITEMS_PER_POLL', path: 'feeds.maxItemsPerPoll', kind: 'number' },
  { env: 'STORYLINE_FEEDS_MAX_BACKOFF_MS', path: 'feeds.maxBackoffMs', kind: 'number' },
  { env: 'STORYLINE_FEEDS_DISABLE_AFTER', path: 'feeds.disableAfterFailures', kind: 'number' },
  { env: 'STORYLINE_FEEDS_MAX_CACHE_HINT_MS', path: 'feeds.maxCacheHintMs', kind: 'number' },
  { env: 'STORYLINE_USER_AGENT', path: 'fetch.userAgent', kind: 'string' },
  { env: 'STORYLINE_FETCH_CONNECT_TIMEOUT_MS', path: 'fetch.connectTimeoutMs', kind: 'number' },
  { env: 'STORYLINE_FETCH_TIMEOUT_MS', path: 'fetch.timeoutMs', kind: 'number' },
  { env: 'STORYLINE_FETCH_MAX_BYTES', path: 'fetch.maxBodyBytes', kind: 'number' },
  { env: 'STORYLINE_FETCH_MAX_REDIRECTS', path: 'fetch.maxRedirects', kind: 'number' },
  { env: 'STORYLINE_FETCH_ALLOW_CIDRS', path: 'fetch.allowPrivateCidrs', kind: 'list' },
  { env: 'STORYLINE_HOST_CONCURRENCY', path: 'fetch.perHostConcurrency', kind: 'number' },
  { env: 'STORYLINE_HOST_SPACING_MS', path: 'fetch.perHostSpacingMs', kind: 'number' },
  { env: 'STORYLINE_EXTRACT_MAX_HTML_BYTES', path: 'extract.maxHtmlBytes', kind: 'number' },
  { env: 'STORYLINE_EXTRACT_DOM', path: 'extract.dom', kind: 'string' },
  { env: 'STORYLINE_EXTRACT_THREADS', path: 'extract.threads', kind: 'number' },
  { env: 'STORYLINE_EXTRACT_TIMEOUT_MS', path: 'extract.timeoutMs', kind: 'number' },
  { env: 'STORYLINE_EXTRACT_THREAD_NICE', path: 'extract.threadNice', kind: 'number' },
  { env: 'STORYLINE_WARM_UP_ARTICLES', path: 'warmUp.articles', kind: 'number' },
  { env: 'STORYLINE_WARM_UP_PAGES_PER_THREAD', path: 'warmUp.pagesPerThread', kind: 'number' },
  { env: 'STORYLINE_MERGE_THRESHOLD', path: 'merge.threshold', kind: 'number' },
  { env: 'STORYLINE_MERGE_WINDOW_HOURS', path: 'merge.windowHours', kind: 'number' },
  { env: 'STORYLINE_RELATED_DAYS', path: 'merge.relatedDays', kind: 'number' },
  { env: 'STORYLINE_MERGE_DF_GENERATION', path: 'merge.dfGenerationArticles', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_FEEDS', path: 'concurrency.feeds', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_FETCH', path: 'concurrency.fetch', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_EXTRACT', path: 'concurrency.extract', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_TAG', path: 'concurrency.tag', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_PUBLISH', path: 'concurrency.publish', kind: 'number' },
  { env: 'STORYLINE_JOB_ATTEMPTS', path: 'jobs.attempts', kind: 'number' },
  { env: 'STORYLINE_JOB_BACKOFF_MS', path: 'jobs.backoffDelayMs', kind: 'number' },
  { env: 'STORYLINE_LOCK_DURATION_MS', path: 'jobs.lockDurationMs', kind: 'number' },
  { env: 'STORYLINE_EXTRACT_LOCK_DURATION_MS', path: 'jobs.extractLockDurationMs', kind: 'number' },
  { env: 'STORYLINE_STALLED_INTERVAL_MS', path: 'jobs.stalledIntervalMs', kind: 'number' },
  { env: 'STORYLINE_KEEP_COMPLETED', path: 'retention.completedCount', kind: 'number' },
  { env: 'STORYLINE_KEEP_FAILED', path: 'retention.failedCount', kind: 'number' },
  { env: 'STORYLINE_HTML_TTL_SEC', path: 'retention.htmlTtlSec', kind: 'number' },
  { env: 'STORYLINE_RECORD_TTL_SEC', path: 'retention.recordTtlSec', kind: 'number' },
  { env: 'STORYLINE_STREAM_MAXLEN', path: 'retention.streamMaxLen', kind: 'number' },
  { env: 'STORYLINE_EVENTS_STREAM', path: 'publish.stream', kind: 'string' },
  { env: 'STORYLINE_EVENT_SOURCE', path: 'publish.source', kind: 'string' },
  { env: 'STORYLINE_WEBHOOKS', path: 'webhooks.subscriptions', kind: 'json' },
  { env: 'STORYLINE_WEBHOOK_ATTEMPTS', path: 'webhooks.attempts', kind: 'number' },
  { env: 'STORYLINE_WEBHOOK_BACKOFF_MS', path: 'webhooks.backoffBaseMs', kind: 'number' },
  { env: 'STORYLINE_WEBHOOK_MAX_BACKOFF_MS', path: 'webhooks.backoffMaxMs', kind: 'number' },
  { env: 'STORYLINE_WEBHOOK_TIMEOUT_MS', path: 'webhooks.timeoutMs', kind: 'number' },
  { env: 'STORYLINE_CONCURRENCY_WEBHOOKS', path: 'webhooks.concurrency', kind: 'number' },
  { env: 'STORYLINE_API_HOST', path: 'api.host', kind: 'string' },
  { env: 'STORYLINE_API_PORT', path: 'api.port', kind: 'number' },
  { env: 'STORYLINE_DASHBOARD_USER', path: 'api.dashboard.user', kind: 'string' },
  { env: 'STORYLINE_DASHBOARD_PASSWORD', path: 'api.dashboard.password', kind: 'string' },
  { env: 'STORYLINE_DASHBOARD_TOKEN', path: 'api.dashboard.token', kind: 'string' },
  { env: 'STORYLINE_DASHBOARD_MODE', path: 'api.dashboard.mode', kind: 'string' },
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
  if (kind === 'list')
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (kind === 'json') {
    try {
      return JSON.parse(raw);
    } catch {
      return raw; // the schema then reports the field as not an array
    }
  }
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

function readJsonFile(field: string, variable: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    // JSON.parse messages quote the text near the error; this file holds secrets, so keep only the position-free kind of error.
    const reason = err instanceof SyntaxError ? 'not valid JSON' : (err as Error).message;
    throw new ConfigError(`Invalid configuration: ${field} (${variable}=${file}): ${reason}`);
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
  if (env.STORYLINE_WEBHOOKS_FILE) {
    setPath(raw, 'webhooks.subscriptions', readJsonFile('webhooks.subscriptions', 'STORYLINE_WEBHOOKS_FILE', env.STORYLINE_WEBHOOKS_FILE));
    sources.set('webhooks.subscriptions', `STORYLINE_WEBHOOKS_FILE=${env.STORYLINE_WEBHOOKS_FILE}`);
  }
  overrides(raw);
  for (const { env: name, path, kind } of ENV_OVERRIDES) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, path, convert(value, kind));
    // JSON settings (webhooks) hold secrets: name the variable, never echo its value.
    sources.set(path, kind === 'json' ? name : `${name}=${JSON.stringify(value)}`);
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
