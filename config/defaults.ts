/**
 * Default settings. Every value here can be overridden by an environment
 * variable (see ENV_OVERRIDES in ./index.ts) and is validated at start.
 */
export const DEFAULTS = {
  redis: {
    url: 'redis://127.0.0.1:6379',
    /** Prefix for every key Storyline writes (BullMQ queues and records). */
    prefix: 'storyline',
  },
  log: { level: 'info' },
  feeds: {
    pollIntervalMs: 5 * 60_000,
    maxItemsPerPoll: 200,
  },
  fetch: {
    userAgent: 'StorylineBot/0.1 (+https://github.com/storyline/storyline)',
    connectTimeoutMs: 5_000,
    /** Whole request: connect, headers and body. */
    timeoutMs: 20_000,
    maxBodyBytes: 5 * 1024 * 1024,
    maxRedirects: 5,
    allowedContentTypes: [
      'text/html',
      'application/xhtml+xml',
      'application/rss+xml',
      'application/atom+xml',
      'application/rdf+xml',
      'application/xml',
      'text/xml',
      'application/feed+json',
      'application/json',
    ],
    /**
     * Private/loopback ranges we may still connect to. Empty in production:
     * the SSRF guard refuses all of them. Tests and the demo opt in to loopback.
     */
    allowPrivateCidrs: [] as string[],
  },
  extract: { maxHtmlBytes: 5 * 1024 * 1024 },
  merge: {
    /** Score at or above which an article joins an existing story. */
    threshold: 0.22,
    /** Articles further apart than this decay towards a new story. */
    windowHours: 72,
    /** Horizon for "how we got here" related stories. */
    relatedDays: 30,
  },
  concurrency: { feeds: 2, fetch: 8, extract: 2, tag: 4, merge: 1, publish: 4 },
  jobs: { attempts: 5, backoffDelayMs: 1_000, backoffJitter: 0.5 },
  retention: {
    completedCount: 1_000,
    completedAgeSec: 24 * 3600,
    failedCount: 10_000,
    failedAgeSec: 14 * 24 * 3600,
    /** Raw HTML is only needed until extraction succeeds (or is replayed). */
    htmlTtlSec: 3 * 24 * 3600,
    recordTtlSec: 30 * 24 * 3600,
    streamMaxLen: 100_000,
  },
  publish: { stream: 'events', source: 'urn:storyline:pipeline' },
  api: { host: '0.0.0.0', port: 8080 },
};
