import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { StorylineConfig } from '../../config';
import type { StageQueues } from '../../queues';
import { createMetricsEndpoint } from '../metrics/registry';
import { renderIndex, renderMessage, renderStory, type RelatedLink } from '../pages/render';
import type { RecordStore } from '../store/records';
import { STAGES } from '../types';
import type { Logger } from '../util/logger';
import { mountDashboard } from './dashboard';
import { ApiError, errorBody } from './errors';
import {
  getArticleDetail,
  getEntityDetail,
  getStoryDetail,
  getStoryVersion,
  listStories,
  parseStoryListParams,
  queueOverview,
  survivorOf,
} from './queries';

/*
 * `storyline api`: one express 5 app serving
 *   - JSON: /api/stories, /api/stories/:id, /api/stories/:id/versions/:n,
 *     /api/articles/:id, /api/entities/:id, /api/queues;
 *   - checks: /healthz (process up), /readyz (Redis answers and every stage
 *     has a worker registered);
 *   - /metrics (Prometheus text, see src/metrics);
 *   - /admin/queues (bull-board, only when credentials are configured);
 *   - story pages: / and /stories/:id, server-rendered.
 * A story merged away by story repair answers 308 to its survivor on
 * /api/stories/:id and /stories/:id (see docs/api.md).
 * Errors are JSON `{ error: { code, message } }` (HTML on page routes); a
 * stack trace never leaves the process.
 */

export interface ApiDeps {
  cfg: StorylineConfig;
  redis: Redis;
  store: RecordStore;
  queues: StageQueues;
  logger?: Logger;
}

export interface ApiServer {
  url: string;
  app: Express;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}

function param(req: Request, name: string): string {
  const v = req.params[name];
  return Array.isArray(v) ? v.join('/') : String(v ?? '');
}

const PAGE_CSP = (nonce: string) =>
  `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function createApp(deps: ApiDeps): Express {
  const { store, queues, redis, cfg } = deps;
  const log = deps.logger;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const metrics = createMetricsEndpoint({ redis, store, queues, cfg });

  app.use((req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
    next();
  });

  // Checks ------------------------------------------------------------------
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    let redisOk = true;
    try {
      await withTimeout(redis.ping(), READY_TIMEOUT_MS);
    } catch {
      redisOk = false;
    }
    const workers: Record<string, number> = {};
    if (redisOk) {
      await Promise.all(
        STAGES.map(async (stage) => {
          workers[stage] = await withTimeout(queues[stage].getWorkersCount(), READY_TIMEOUT_MS).catch(() => 0);
        }),
      );
    }
    const missing = STAGES.filter((s) => !workers[s]);
    if (redisOk && !missing.length) {
      res.json({ status: 'ready', redis: 'ok', workers });
      return;
    }
    const message = redisOk ? `no worker registered for stage(s) ${missing.join(', ')}` : 'Redis does not answer';
    res.status(503).json({ status: 'unavailable', redis: redisOk ? 'ok' : 'unreachable', workers, ...errorBody('unavailable', message) });
  });

  app.get('/metrics', async (_req, res) => {
    const text = await metrics.render();
    res.setHeader('content-type', metrics.contentType);
    res.send(text);
  });

  // JSON API ----------------------------------------------------------------
  app.get('/api/stories', async (req, res) => {
    const params = parseStoryListParams(req.query as Record<string, unknown>);
    const page = await listStories(store, params);
    const next = page.nextCursor ? new URLSearchParams({ ...(req.query as Record<string, string>), cursor: page.nextCursor }) : undefined;
    res.json({ stories: page.stories, nextCursor: page.nextCursor ?? null, next: next ? `/api/stories?${next.toString()}` : null });
  });
  app.get('/api/stories/:id', async (req, res) => {
    const id = param(req, 'id');
    const survivor = await survivorOf(store, id);
    if (survivor) {
      // Permanent: the absorbed id is never used again. The body says so for clients that do not follow redirects.
      const href = `/api/stories/${survivor}`;
      res.status(308).location(href).json({ mergedInto: survivor, href });
      return;
    }
    res.json(await getStoryDetail(store, id));
  });
  app.get('/api/stories/:id/versions/:version', async (req, res) => {
    res.json(await getStoryVersion(store, param(req, 'id'), param(req, 'version')));
  });
  app.get('/api/articles/:id', async (req, res) => {
    res.json(await getArticleDetail(store, param(req, 'id')));
  });
  app.get('/api/entities/:id', async (req, res) => {
    res.json(await getEntityDetail(store, param(req, 'id')));
  });
  app.get('/api/queues', async (_req, res) => {
    res.setHeader('cache-control', 'no-store');
    res.json(await queueOverview(store, queues));
  });
  app.all('/api/{*rest}', (req, _res, next) => {
    next(
      req.method === 'GET' || req.method === 'HEAD'
        ? new ApiError(404, 'not_found', `no such endpoint ${req.path}`)
        : new ApiError(405, 'method_not_allowed', 'the API is read-only: GET only'),
    );
  });

  // Queue dashboard -----------------------------------------------------------
  const mounted = mountDashboard(app, queues, cfg.api.dashboard, log);
  log?.info({ dashboard: mounted ? `on, ${cfg.api.dashboard.mode}` : 'off (no credentials configured)' }, 'queue dashboard');

  // Story pages ---------------------------------------------------------------
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.get('/', async (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    const [page, overview] = await Promise.all([listStories(store, { limit: 30 }), queueOverview(store, queues)]);
    res.setHeader('content-security-policy', PAGE_CSP(nonce));
    res.type('html').send(renderIndex(page.stories, overview, nonce));
  });
  app.get('/stories/:id', async (req, res) => {
    const survivor = await survivorOf(store, param(req, 'id'));
    if (survivor) {
      res.redirect(308, `/stories/${survivor}`);
      return;
    }
    const detail = await getStoryDetail(store, param(req, 'id'));
    const refs = detail.story.briefing.howWeGotHere;
    const exists = refs.length ? await Promise.all(refs.map((r) => redis.exists(store.keys.story(r.storyId)))) : [];
    const related: RelatedLink[] = refs.map((r, i) => ({ ...r, exists: exists[i] === 1 }));
    res.setHeader('content-security-policy', PAGE_CSP('none'));
    res.type('html').send(renderStory(detail, related));
  });

  // Fallbacks -------------------------------------------------------------
  app.use((req, _res, next) => {
    next(new ApiError(404, 'not_found', `nothing at ${req.path}`));
  });

  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (typeof (err as { status?: unknown }).status === 'number' && (err as { status: number }).status < 500) {
      // body-parser and friends: a client error; their messages are safe, but keep ours generic.
      e = new ApiError((err as { status: number }).status, 'bad_parameter', 'the request could not be read');
    } else {
      log?.error({ err: (err as Error)?.message, stack: (err as Error)?.stack, method: req.method, path: req.path }, 'request failed');
      e = new ApiError(500, 'internal', 'internal error');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const wantsPage = !req.path.startsWith('/api/') && req.method === 'GET' && req.accepts(['json', 'html']) === 'html';
    if (wantsPage) {
      const title = e.status === 404 ? 'Not found' : e.status >= 500 ? 'Something went wrong' : 'Bad request';
      res.status(e.status).setHeader('content-security-policy', PAGE_CSP('none'));
      res.type('html').send(renderMessage(title, e.status >= 500 ? 'Please try again in a moment.' : e.message));
      return;
    }
    res.status(e.status).json(errorBody(e.code, e.message));
  });

  return app;
}

export async function startApi(deps: ApiDeps, opts: { host: string; port: number }): Promise<ApiServer> {
  const app = createApp(deps);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port, opts.host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    app,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
