/**
 * Default settings. Every value here can be overridden by an environment
 * variable (see ENV_OVERRIDES in ./index.ts) and is validated at start.
 */
import { availableParallelism } from 'node:os';

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
    /** A failing feed waits interval × 2^(errors-1), at most this long (Retry-After may ask for longer). */
    maxBackoffMs: 6 * 3600_000,
    /** Consecutive failed polls after which a feed is disabled (0: never). */
    disableAfterFailures: 10,
    /** Upper bound on how long a feed's <ttl> or Cache-Control may postpone its next poll. */
    maxCacheHintMs: 2 * 3600_000,
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
    /** Requests in flight to one host, across all processes (Redis-backed). */
    perHostConcurrency: 2,
    /** Minimum time between two request starts to one host, across all processes. */
    perHostSpacingMs: 500,
  },
  extract: {
    maxHtmlBytes: 5 * 1024 * 1024,
    /** DOM under Readability: linkedom (about 6× faster per page, same scores on the dev corpus; docs/benchmarks.md) or jsdom. */
    dom: 'linkedom' as 'linkedom' | 'jsdom',
    /** Extraction threads per process (0: in the event loop, no threads). */
    threads: availableParallelism(),
    /** A page still being extracted after this long has its thread terminated and its job failed ("timeout"). */
    timeoutMs: 20_000,
    /**
     * Nice value of the extraction threads (Linux nice is per thread): bulk extraction yields the CPU to the
     * event loops (BullMQ lock renewals, the single-writer merge stage) on a shared host. 0 leaves it alone.
     */
    threadNice: 10,
  },
  /**
   * Work a worker does before its first job (workers/warm-up.ts): bundled demo articles through the tag, merge
   * and publish code, and pages per extraction thread, so V8 has optimised the hot code before real articles
   * arrive. `articles: 0` also skips parsing the demo feeds (the feeds stage's warm-up); `pagesPerThread: 0` leaves
   * the threads to start on the first page.
   * How much: a cold function runs several times slower until V8 has seen it often enough to optimise it. On this
   * project's code, tagging and text analysis in passes of 66 articles cost 6.4, 4.2, then 2.4 ms per article from
   * the third pass on; the merge and publish code settles by the third pass too; an extraction thread takes 5–10 ms
   * per page for its first 40 pages, then 2–3 ms. Hence three passes of the demo corpus and 40 pages per thread:
   * one to two seconds of CPU per process at start.
   */
  warmUp: { articles: 198, pagesPerThread: 40 },
  merge: {
    /** Score at or above which an article joins an existing story (lower for short texts; see docs/merging.md). */
    threshold: 0.16,
    /** Articles further apart than this decay towards a new story. */
    windowHours: 72,
    /** Horizon for "how we got here" related stories. */
    relatedDays: 30,
    /**
     * Articles per document-frequency generation: idf counts the last one to two generations, so the merge df
     * hashes in Redis hold that many articles' vocabulary instead of growing forever (MergeOptions.dfGenerationSize).
     * 0 counts forever.
     */
    dfGenerationArticles: 100_000,
  },
  concurrency: { feeds: 2, fetch: 8, extract: 2, tag: 4, merge: 1, publish: 4 },
  jobs: {
    attempts: 5,
    backoffDelayMs: 1_000,
    backoffJitter: 0.5,
    /**
     * A job's lock lasts this long and is renewed at half of it while the job
     * runs; a worker that dies mid-job leaves a lock that expires after it, and
     * the next stalled check (every stalledIntervalMs) hands the job back.
     */
    lockDurationMs: 30_000,
    /** Extraction can run long: its lock must not lapse and the job run twice. */
    extractLockDurationMs: 60_000,
    stalledIntervalMs: 30_000,
  },
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
  /**
   * `source` of every CloudEvent. Event ids are deterministic (article ids hash
   * the URL), so two deployments feeding the same consumers must use distinct
   * sources to keep (source, id) unique.
   */
  publish: { stream: 'events', source: 'urn:storyline:pipeline' },
  webhooks: {
    /** [{id, url, events: [type…], secret: 'whsec_…'}], from STORYLINE_WEBHOOKS(_FILE). */
    subscriptions: [] as Array<{ id: string; url: string; events: string[]; secret: string }>,
    /** 15 attempts, 30 s doubling to at most 4 h between them: retries span about a day. */
    attempts: 15,
    backoffBaseMs: 30_000,
    backoffMaxMs: 4 * 3600_000,
    timeoutMs: 10_000,
    concurrency: 8,
  },
  api: {
    host: '0.0.0.0',
    port: 8080,
    /**
     * bull-board at /admin/queues. Off (404) unless credentials are set: basic
     * auth (user + password) and/or a bearer token. Read-only unless mode is
     * 'read-write', in which case write actions also need the CSRF token.
     */
    dashboard: { user: '', password: '', token: '', mode: 'read-only' as 'read-only' | 'read-write' },
  },
};
