import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MissingRecordError, type RecordStore } from '../store/records';
import type { Redis } from 'ioredis';

/*
 * A small read-only HTTP API over the records in Redis: health checks and
 * stories/articles as JSON. node:http is enough for these few routes; the
 * dashboard, metrics and story pages arrive with the delivery issue.
 */

export interface ApiDeps {
  redis: Redis;
  store: RecordStore;
}

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown };

async function route(deps: ApiDeps, method: string, url: URL): Promise<Reply> {
  if (method !== 'GET') return { status: 405, body: { error: 'method_not_allowed' } };
  const path = url.pathname;
  if (path === '/healthz') return { status: 200, body: { status: 'ok' } };
  if (path === '/readyz') {
    try {
      await deps.redis.ping();
      return { status: 200, body: { status: 'ready' } };
    } catch {
      return { status: 503, body: { status: 'unavailable', error: 'redis_unreachable' } };
    }
  }
  if (path === '/api/stories') {
    const limit = Number(url.searchParams.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      return { status: 400, body: { error: 'bad_parameter', detail: 'limit must be an integer from 1 to 500' } };
    }
    const stories = await deps.store.listStories(limit);
    return {
      status: 200,
      body: {
        stories: stories.map((s) => ({ id: s.id, title: s.title, version: s.version, updatedAt: s.updatedAt, articles: s.articles.length, sources: s.sources })),
      },
    };
  }
  const story = /^\/api\/stories\/([A-Za-z0-9_-]+)$/.exec(path);
  if (story) {
    const s = await deps.store.getStory(story[1]);
    return s ? { status: 200, body: s } : { status: 404, body: { error: 'not_found', detail: `no story ${story[1]}` } };
  }
  const article = /^\/api\/articles\/([A-Za-z0-9_-]+)$/.exec(path);
  if (article) {
    try {
      return { status: 200, body: await deps.store.getArticle(article[1]) };
    } catch (err) {
      if (err instanceof MissingRecordError) return { status: 404, body: { error: 'not_found', detail: `no article ${article[1]}` } };
      throw err;
    }
  }
  return { status: 404, body: { error: 'not_found' } };
}

export async function startApi(deps: ApiDeps, opts: { host: string; port: number }): Promise<ApiServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    route(deps, req.method ?? 'GET', url)
      .catch(() => ({ status: 500, body: { error: 'internal' } }) as Reply) // never a stack trace
      .then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      });
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host, resolve));
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
