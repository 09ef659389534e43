import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_ARTICLES, DEMO_OUTLETS, demoArticlePath, demoFeedPath, type DemoArticle } from './corpus';
import { renderArticlePage, renderFeed } from './render';

export interface DemoServer {
  baseUrl: string;
  feeds: Array<{ id: string; url: string; title: string }>;
  /** Absolute URL of every article page, with its ground-truth event. */
  articles: Array<{ url: string; event: string; outlet: string; title: string }>;
  close(): Promise<void>;
}

/**
 * Serves the bundled demo corpus on loopback: one feed per outlet in its own
 * format and one HTML page per article, rendered on request. ETag and
 * If-None-Match are honoured so re-polls exercise conditional GET.
 */
export async function startDemoServer(opts: { host?: string; port?: number } = {}): Promise<DemoServer> {
  const host = opts.host ?? '127.0.0.1';
  const byPath = new Map<string, DemoArticle>(DEMO_ARTICLES.map((a) => [demoArticlePath(a), a]));
  let baseUrl = '';

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string, etag?: string) => {
      if (etag && req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        return res.end();
      }
      res.writeHead(status, { 'content-type': type, ...(etag ? { etag } : {}) });
      res.end(body);
    };
    const outlet = DEMO_OUTLETS.find((o) => path === demoFeedPath(o.id));
    if (outlet) {
      const items = DEMO_ARTICLES.filter((a) => a.outlet === outlet.id)
        .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt))
        .map((article) => ({ article, url: baseUrl + demoArticlePath(article) }));
      const feed = renderFeed(outlet, items, { feedUrl: baseUrl + path, siteUrl: `${baseUrl}/${outlet.id}/` });
      return send(200, feed.contentType, feed.body, `"${outlet.id}-${items.length}"`);
    }
    const article = byPath.get(path);
    if (article) {
      const articleOutlet = DEMO_OUTLETS.find((o) => o.id === article.outlet);
      if (!articleOutlet) return send(500, 'text/plain', 'outlet missing');
      const related = DEMO_ARTICLES.filter((a) => a.outlet === article.outlet && a !== article)
        .slice(0, 4)
        .map((a) => ({ title: a.title, url: baseUrl + demoArticlePath(a) }));
      return send(200, 'text/html; charset=utf-8', renderArticlePage(article, articleOutlet, { url: baseUrl + path, related }));
    }
    return send(404, 'text/plain', 'not found');
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host}:${port}`;
  return {
    baseUrl,
    feeds: DEMO_OUTLETS.map((o) => ({ id: o.id, url: baseUrl + demoFeedPath(o.id), title: o.name })),
    articles: DEMO_ARTICLES.map((a) => ({ url: baseUrl + demoArticlePath(a), event: a.event, outlet: a.outlet, title: a.title })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
