import { writeFileSync } from 'node:fs';
import type { JobType } from 'bullmq';
import { loadConfig, type StorylineConfig } from '../../config';
import { startStageWorkers, warmUpStages } from '../../workers';
import { openRuntime } from '../../workers/runtime';
import { startWebhookWorker } from '../../workers/webhooks';
import type { WebhookSubscription } from '../publish/webhooks';
import { syncFeedSchedulers, unscheduleFeed } from '../../workers/schedule';
import { articleIdFor, canonicalizeUrl } from '../feeds/canonical-url';
import { clearPrefix } from '../store/redis';
import type { Story } from '../types';
import { STAGES } from '../types';
import { createLogger, redactUrl } from '../util/logger';
import { redisAnswers, redisServerAvailable, REDIS_INSTALL_HINT, startRedisServer, type RedisServerHandle } from '../util/redis-server';
import { startDemoServer } from './server';

export interface DemoOptions {
  /** Redis to use; else REDIS_URL, else 127.0.0.1:6379, else a private redis-server. */
  redisUrl?: string;
  prefix?: string;
  jsonFile?: string;
  /** Give up if the queues are not quiet by then. */
  timeoutMs?: number;
  /** Print the summary (the CLI does; tests do not). */
  print?: boolean;
  logLevel?: string;
  /** Webhook subscriptions; the demo then runs a delivery worker and waits for the webhooks queue to drain too. */
  webhooks?: WebhookSubscription[];
  /** Last word on the raw config before validation (tests: faster retries …). */
  configure?: (raw: Record<string, unknown>) => void;
  /** Runs after the prefix is cleared and before any worker starts (tests: create a consumer group). */
  beforeStart?: () => Promise<void>;
}

export interface DemoResult {
  stories: Story[];
  /** articleId → ground-truth event, for every article the demo served. */
  served: Map<string, { event: string; outlet: string; url: string }>;
  failed: Array<{ queue: string; jobId?: string; reason: string }>;
  wallMs: number;
  redis: string;
  /** The Redis outlives the demo (it was not started by it), so the stories can be browsed afterwards. */
  redisKept: boolean;
}

async function pingRedis(url: string): Promise<boolean> {
  const u = new URL(url);
  return redisAnswers(u.hostname, Number(u.port || 6379));
}

/** REDIS_URL, else a Redis on 127.0.0.1:6379, else a redis-server we start on a free port. */
export async function resolveDemoRedis(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  local = 'redis://127.0.0.1:6379',
): Promise<{ url: string; owned?: RedisServerHandle }> {
  if (explicit) return { url: explicit };
  if (env.REDIS_URL) return { url: env.REDIS_URL };
  if (await pingRedis(local)) return { url: local };
  if (!redisServerAvailable()) throw new Error(REDIS_INSTALL_HINT);
  const owned = await startRedisServer();
  return { url: owned.url, owned };
}

/** Waits until every feed was polled and no stage has work left (twice in a row). */
async function waitUntilQuiet(rt: Awaited<ReturnType<typeof openRuntime>>, feedIds: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  while (quietChecks < 2) {
    if (Date.now() > deadline) throw new Error(`demo: queues not quiet after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
    const states = await Promise.all(feedIds.map((id) => rt.store.getFeedState(id)));
    // Webhook deliveries count as work too, retries (delayed) included.
    const webhookCounts = await rt.queues.webhooks.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
    const polled = states.every((s) => s.lastPollAt);
    let busy = Object.values(webhookCounts).reduce((a, b) => a + b, 0);
    for (const stage of STAGES) {
      // The feeds queue always holds the next scheduled poll as a delayed job; other stages must drain retries too.
      const pending: JobType[] = ['waiting', 'active', 'prioritized', 'waiting-children'];
      const states: JobType[] = stage === 'feeds' ? pending : [...pending, 'delayed'];
      const counts = await rt.queues[stage].getJobCounts(...states);
      busy += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    quietChecks = polled && busy === 0 ? quietChecks + 1 : 0;
  }
}

export async function runDemo(opts: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const redisChoice = await resolveDemoRedis(opts.redisUrl);
  const site = await startDemoServer();
  const prefix = opts.prefix ?? 'storyline-demo';
  let cfg: StorylineConfig;
  try {
    cfg = loadConfig(
      (raw) => {
        const c = raw as {
          redis: { url: string; prefix: string };
          fetch: { allowPrivateCidrs: string[] };
          feeds: { list: unknown; pollIntervalMs: number };
          log: { level: string };
        };
        c.redis.url = redisChoice.url;
        c.redis.prefix = prefix;
        // The demo origin is on loopback: opt in explicitly, the SSRF guard refuses it otherwise.
        c.fetch.allowPrivateCidrs = ['127.0.0.0/8', '::1/128'];
        // Every demo outlet is the same loopback host: per-host politeness would only slow the demo down.
        Object.assign(c.fetch, { perHostSpacingMs: 0, perHostConcurrency: 16 });
        c.feeds.list = site.feeds;
        c.feeds.pollIntervalMs = 60_000;
        c.log.level = opts.logLevel ?? process.env.LOG_LEVEL ?? 'warn';
        if (opts.webhooks) (raw as { webhooks: { subscriptions: unknown } }).webhooks.subscriptions = opts.webhooks;
        opts.configure?.(raw);
      },
      { ...process.env, REDIS_URL: undefined, STORYLINE_PREFIX: undefined },
    );
  } catch (err) {
    await site.close();
    await redisChoice.owned?.stop();
    throw err;
  }
  const logger = createLogger(cfg.log.level, { role: 'demo' });
  const rt = await openRuntime(cfg, logger);
  try {
    // On a shared Redis the demo owns only its prefix, and starts it clean.
    await clearPrefix(rt.redis, prefix);
    await opts.beforeStart?.();
    // Light: threads and the tagger's model start before the first page, but the demo's 66 articles are fewer
    // than a full warm-up's 198, and its latency is not what it shows.
    await warmUpStages([...STAGES], cfg, { articles: 1, pagesPerThread: 1 }).catch((err: Error) =>
      logger.warn({ err: err.message }, 'warm-up failed'),
    );
    const workers = startStageWorkers([...STAGES], rt);
    const webhookWorker = cfg.webhooks.subscriptions.length ? startWebhookWorker(rt) : undefined;
    await syncFeedSchedulers(rt.queues.feeds, rt.store, cfg);
    try {
      await waitUntilQuiet(
        rt,
        site.feeds.map((f) => f.id),
        opts.timeoutMs ?? 80_000,
      );
    } finally {
      for (const f of site.feeds) await unscheduleFeed(rt.queues.feeds, f.id);
      await workers.close();
      await webhookWorker?.close();
    }
    const stories = await rt.store.listStories(10_000);
    const failed: DemoResult['failed'] = [];
    for (const stage of [...STAGES, 'webhooks' as const]) {
      for (const job of await rt.queues[stage].getFailed(0, 1000)) {
        failed.push({ queue: rt.queues[stage].name, jobId: job.id, reason: job.failedReason });
      }
    }
    const served = new Map(
      site.articles.map((a) => [articleIdFor(canonicalizeUrl(a.url)), { event: a.event, outlet: a.outlet, url: a.url }]),
    );
    const result: DemoResult = {
      stories,
      served,
      failed,
      wallMs: Date.now() - started,
      redis: redactUrl(redisChoice.url),
      redisKept: !redisChoice.owned,
    };
    if (opts.jsonFile) writeFileSync(opts.jsonFile, JSON.stringify(stories, null, 2));
    if (opts.print) printSummary(result, prefix);
    return result;
  } finally {
    await rt.close();
    await site.close();
    await redisChoice.owned?.stop();
  }
}

function printSummary(r: DemoResult, prefix: string): void {
  const sorted = [...r.stories].sort((a, b) => b.articles.length - a.articles.length || a.title.localeCompare(b.title));
  const articles = sorted.reduce((n, s) => n + s.articles.length, 0);
  const outlets = new Set(sorted.flatMap((s) => s.sources));
  const lines: string[] = [];
  lines.push('');
  lines.push(
    `Storyline demo: ${articles} articles from ${outlets.size} outlets merged into ${sorted.length} stories in ${(r.wallMs / 1000).toFixed(1)} s`,
  );
  lines.push(`Redis ${r.redis}, key prefix "${prefix}:"`);
  sorted.forEach((s, i) => {
    lines.push('');
    lines.push(`${i + 1}. ${s.title}`);
    lines.push(`   ${s.articles.length} article${s.articles.length === 1 ? '' : 's'} from ${s.sources.join(', ')}`);
    const top = s.entities.slice(0, 6).map((e) => `${e.name} (${e.type}, ${e.count})`);
    if (top.length) lines.push(`   entities: ${top.join(', ')}`);
    const lead = s.briefing.whatHappened[0];
    if (lead) lines.push(`   what happened: ${lead.length > 220 ? `${lead.slice(0, 217)}...` : lead}`);
    for (const rel of s.briefing.howWeGotHere.slice(0, 2)) lines.push(`   how we got here: ${rel.title}`);
  });
  lines.push('');
  if (r.failed.length) {
    lines.push(`${r.failed.length} job(s) in the failed sets:`);
    for (const f of r.failed.slice(0, 10)) lines.push(`   [${f.queue}] ${f.jobId}: ${f.reason}`);
  } else {
    lines.push('No failed jobs.');
  }
  lines.push('');
  if (r.redisKept) {
    // The API reads the default prefix; point it at the demo's keys.
    // The printed URL is redacted: with a password in it, name the variable rather than print a URL that fails.
    const redisUrl = r.redis.includes('***') ? '<the same REDIS_URL>' : r.redis;
    const redisEnv = r.redis === 'redis://127.0.0.1:6379' ? '' : `REDIS_URL=${redisUrl} `;
    const port = process.env.STORYLINE_API_PORT ?? '8080';
    lines.push(`Browse these stories in the API and story pages: ${redisEnv}STORYLINE_PREFIX=${prefix} npx storyline api`);
    lines.push(`then open http://localhost:${port}/ (README, "HTTP API, metrics and dashboard").`);
  } else {
    lines.push('The demo started its own redis-server and has stopped it: run a Redis (README) to browse the stories afterwards.');
  }
  process.stdout.write(lines.join('\n') + '\n');
}
