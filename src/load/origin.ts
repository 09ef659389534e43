/**
 * Loopback origin for load and fault runs: serves a generated corpus
 * (./corpus) as paged feeds and article pages, and can misbehave the way the
 * real web does, deterministically per URL so a run can predict each item's
 * outcome.
 *
 * - Feeds: each outlet's articles, newest first, in pages of `itemsPerFeed`
 *   (feed id `{outlet}-p{n}`), in the outlet's own feed format.
 * - Pacing: with `releasePerSecond`, article i (in interleaved order) only
 *   appears in feeds from `startedAt + i / rate`, so a run can be driven at a
 *   chosen arrival rate by polling the feeds often.
 * - Duplicate flood: `duplicateFeeds` extra "aggregator" feeds each list a
 *   different rotating selection of already-released articles of every outlet,
 *   and with `rotateFeeds` every feed answers each poll with a new ETag, so the
 *   same items arrive again and again through many feeds and polls.
 * - Transient faults (`faults`): a share of article URLs misbehave for their
 *   first `transientFailures` requests, then serve normally: timeouts
 *   (no answer), connection resets, 500s, 429 with Retry-After, truncated
 *   bodies, slow-drip bodies.
 * - Poison (`poison`): a share of URLs never serve an article: always 500,
 *   always a binary body, or always an empty (zero-byte) page.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { demoArticlePath, demoFeedPath } from '../demo/corpus';
import { renderArticlePage, renderFeed } from '../demo/render';
import type { DemoOutlet } from '../demo/corpus';
import { generateLoadCorpus, type LoadArticle, type LoadCorpus } from './corpus';

export const TRANSIENT_FAULTS = ['timeout', 'reset', 'status500', 'status429', 'truncated', 'slowDrip'] as const;
export type TransientFault = (typeof TRANSIENT_FAULTS)[number];
export const POISON_KINDS = ['always500', 'binary', 'empty'] as const;
export type PoisonKind = (typeof POISON_KINDS)[number];

export interface LoadOriginOptions {
  /** At least this many articles (whole demo replicas, 66 each). */
  articles: number;
  host?: string;
  port?: number;
  itemsPerFeed?: number;
  /** Articles released per second across all feeds (default: all at once). */
  releasePerSecond?: number;
  /** Extra aggregator feeds listing articles of every outlet (duplicate flood). */
  duplicateFeeds?: number;
  /** Every feed answers every poll with a new ETag and a re-ordered item list. */
  rotateFeeds?: boolean;
  /** Share of article URLs (0..1) per transient fault kind. */
  faults?: Partial<Record<TransientFault, number>>;
  /** Requests that fail before a transiently faulty URL serves its page (default 1). */
  transientFailures?: number;
  /** Share of article URLs (0..1) per poison kind. */
  poison?: Partial<Record<PoisonKind, number>>;
  /** How long a "timeout" request is held without an answer (default 60 s; the socket closes on client abort). */
  holdMs?: number;
  /** A slow-drip body takes this long to arrive (default 4 s): longer than a short client timeout. */
  dripMs?: number;
  /** Seed for which URLs get which fault. */
  seed?: string;
  /** Serve empty feeds until `release()` (a benchmark starts its workers first, then the clock). */
  held?: boolean;
}

export interface LoadOriginArticle {
  url: string;
  path: string;
  event: string;
  outlet: string;
  title: string;
  /** Transient fault served on the first request(s), if any. */
  fault?: TransientFault;
  /** Never serves an article, if set. */
  poison?: PoisonKind;
  /** What a correct pipeline does with it: publish it, or record it as failed. */
  expected: 'published' | 'failed';
}

export interface LoadOrigin {
  baseUrl: string;
  corpus: LoadCorpus;
  feeds: Array<{ id: string; url: string; title: string }>;
  articles: LoadOriginArticle[];
  /** Requests received, by kind of response. */
  stats(): { feedRequests: number; articleRequests: number; faultsServed: Record<string, number> };
  /** When each request for an article path arrived (ms since epoch, in order): retry spacing, Retry-After. */
  requestTimes(path: string): number[];
  /** Articles released so far (all of them without pacing). */
  released(): number;
  /** Starts releasing articles (only needed with `held`); pacing counts from here. */
  release(): void;
  /** Stops releasing: what is out stays out, nothing new appears. Returns the articles released, in release order. */
  freeze(): LoadOriginArticle[];
  close(): Promise<void>;
}

/** Uniform in [0, 1) from a string: stable fault assignment per URL. */
function unitHash(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;
}

function pick<K extends string>(u: number, shares: Partial<Record<K, number>> | undefined, kinds: readonly K[]): K | undefined {
  let acc = 0;
  for (const k of kinds) {
    acc += shares?.[k] ?? 0;
    if (u < acc) return k;
  }
  return undefined;
}

/** Interleaves outlets so paced releases reach every feed, oldest replica last. */
function releaseOrder(articles: LoadArticle[]): LoadArticle[] {
  return [...articles].sort((a, b) => a.replica - b.replica || a.publishedAt.localeCompare(b.publishedAt) || a.slug.localeCompare(b.slug));
}

export async function startLoadOrigin(opts: LoadOriginOptions): Promise<LoadOrigin> {
  const host = opts.host ?? '127.0.0.1';
  const itemsPerFeed = opts.itemsPerFeed ?? 50;
  const transientFailures = opts.transientFailures ?? 1;
  const holdMs = opts.holdMs ?? 60_000;
  const dripMs = opts.dripMs ?? 4_000;
  const seed = opts.seed ?? 'storyline-load';
  const corpus = generateLoadCorpus(opts.articles);
  const ordered = releaseOrder(corpus.articles);
  const releaseIndex = new Map(ordered.map((a, i) => [a, i]));
  let startedAt = opts.held ? undefined : Date.now();
  let frozenAt: number | undefined;
  const released = () => {
    if (frozenAt !== undefined) return frozenAt;
    if (startedAt === undefined) return 0;
    if (!opts.releasePerSecond) return ordered.length;
    return Math.min(ordered.length, Math.floor(((Date.now() - startedAt) / 1000) * opts.releasePerSecond) + 1);
  };
  const isReleased = (a: LoadArticle) => (releaseIndex.get(a) ?? 0) < released();

  // Feeds: per outlet, newest first, paged.
  const feedPages = new Map<string, { outlet: DemoOutlet; items: LoadArticle[]; title: string }>();
  for (const outlet of corpus.outlets) {
    const items = corpus.articles.filter((a) => a.outlet === outlet.id).sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
    for (let p = 0; p * itemsPerFeed < items.length; p++) {
      feedPages.set(`${outlet.id}-p${p}`, {
        outlet,
        items: items.slice(p * itemsPerFeed, (p + 1) * itemsPerFeed),
        title: `${outlet.name} (page ${p + 1})`,
      });
    }
  }
  const aggregatorIds = Array.from({ length: opts.duplicateFeeds ?? 0 }, (_, i) => `aggregator-${i}`);

  const byPath = new Map<string, { article: LoadArticle; info: LoadOriginArticle }>();
  const articles: LoadOriginArticle[] = [];
  let baseUrl = '';
  const requestsByPath = new Map<string, number[]>();
  const faultsServed: Record<string, number> = {};
  let feedRequests = 0;
  let articleRequests = 0;
  let pollCounter = 0;
  const openSockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const feedPath = (id: string) =>
    id.startsWith('aggregator-') ? `/${id}/feed` : `${demoFeedPath(id.replace(/-p\d+$/, ''))}/${id.replace(/^.*-p/, '')}`;

  function renderFeedFor(id: string): { body: string; contentType: string; etag: string } | undefined {
    const page = feedPages.get(id);
    const poll = opts.rotateFeeds ? ++pollCounter : 0;
    if (page) {
      let items = page.items.filter(isReleased);
      // Rotation re-orders the list, so a poll sees the same items in a new document.
      if (poll) items = [...items.slice(poll % Math.max(1, items.length)), ...items.slice(0, poll % Math.max(1, items.length))];
      const feed = renderFeed(
        page.outlet,
        items.map((article) => ({ article, url: baseUrl + demoArticlePath(article) })),
        { feedUrl: baseUrl + feedPath(id), siteUrl: `${baseUrl}/${page.outlet.id}/` },
      );
      return { ...feed, etag: `"${id}-${items.length}-${poll}"` };
    }
    const agg = aggregatorIds.indexOf(id);
    if (agg < 0) return undefined;
    const pool = ordered.slice(0, released());
    // A different window of released articles per aggregator and per poll.
    const start = pool.length ? (agg * 37 + poll * 11) % pool.length : 0;
    const items = Array.from({ length: Math.min(itemsPerFeed, pool.length) }, (_, i) => pool[(start + i) % pool.length]);
    const outlet: DemoOutlet = { id, name: `Aggregator ${agg + 1}`, feedFormat: agg % 2 ? 'atom' : 'rss2', lang: 'en' };
    const feed = renderFeed(
      outlet,
      items.map((article) => ({ article, url: baseUrl + demoArticlePath(article) })),
      { feedUrl: baseUrl + feedPath(id), siteUrl: `${baseUrl}/${id}/` },
    );
    return { ...feed, etag: `"${id}-${items.length}-${poll}-${start}"` };
  }

  const feedByPath = new Map<string, string>();
  const pageCache = new Map<string, string>();

  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const feedId = feedByPath.get(path);
    if (feedId) {
      feedRequests++;
      const feed = renderFeedFor(feedId);
      if (!feed) return res.writeHead(404).end();
      if (req.headers['if-none-match'] === feed.etag) return res.writeHead(304, { etag: feed.etag }).end();
      res.writeHead(200, { 'content-type': feed.contentType, etag: feed.etag });
      return res.end(feed.body);
    }
    const entry = byPath.get(path);
    if (!entry || !isReleased(entry.article)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      return res.end('not found');
    }
    articleRequests++;
    const times = requestsByPath.get(path) ?? [];
    times.push(Date.now());
    requestsByPath.set(path, times);
    const n = times.length;
    const { article, info } = entry;
    const outlet = corpus.outlets.find((o) => o.id === article.outlet) as DemoOutlet;
    // Rendered once per URL: the origin's own CPU should not weigh on a benchmark sharing its cores.
    const page = () => {
      let html = pageCache.get(path);
      if (html === undefined) pageCache.set(path, (html = renderArticlePage(article, outlet, { url: baseUrl + path, related: [] })));
      return html;
    };
    const served = (kind: string) => (faultsServed[kind] = (faultsServed[kind] ?? 0) + 1);

    if (info.poison) {
      served(`poison:${info.poison}`);
      if (info.poison === 'always500') return res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      if (info.poison === 'binary') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(createHash('sha256').update(path).digest());
      }
      // No bytes at all. (An empty HTML skeleton is not poison: extraction falls back to the feed item's summary.)
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': '0' });
      return res.end();
    }
    if (info.fault && n <= transientFailures) {
      served(info.fault);
      switch (info.fault) {
        case 'timeout':
          // No answer at all; the client's timeout fires first.
          later(holdMs, () => req.socket.destroy());
          return;
        case 'reset':
          req.socket.resetAndDestroy();
          return;
        case 'status500':
          return res.writeHead(500, { 'content-type': 'text/plain' }).end('temporarily broken');
        case 'status429':
          return res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '1' }).end('slow down');
        case 'truncated': {
          const body = Buffer.from(page());
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) });
          res.write(body.subarray(0, Math.floor(body.length / 3)));
          later(20, () => req.socket.destroy());
          return;
        }
        case 'slowDrip': {
          const body = Buffer.from(page());
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) });
          const chunks = 40;
          const size = Math.ceil(body.length / chunks);
          let i = 0;
          const drip = () => {
            if (res.destroyed) return;
            res.write(body.subarray(i * size, (i + 1) * size));
            if (++i < chunks) later(dripMs / chunks, drip);
            else res.end();
          };
          drip();
          return;
        }
      }
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page());
  });
  server.on('connection', (s) => {
    openSockets.add(s);
    s.on('close', () => openSockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host}:${port}`;

  // The fault draw uses what is left of [0, 1) after poison, so the shares add up as given.
  const poisonShare = POISON_KINDS.reduce((s, k) => s + (opts.poison?.[k] ?? 0), 0);
  for (const article of corpus.articles) {
    const path = demoArticlePath(article);
    const u = unitHash(`${seed}\0${path}`);
    const poison = pick(u, opts.poison, POISON_KINDS);
    const fault = poison ? undefined : pick(u - poisonShare, opts.faults, TRANSIENT_FAULTS);
    const info: LoadOriginArticle = {
      url: baseUrl + path,
      path,
      event: article.event,
      outlet: article.outlet,
      title: article.title,
      ...(fault ? { fault } : {}),
      ...(poison ? { poison } : {}),
      expected: poison ? 'failed' : 'published',
    };
    byPath.set(path, { article, info });
    articles.push(info);
  }
  const feeds = [...feedPages.entries()].map(([id, p]) => ({ id, url: baseUrl + feedPath(id), title: p.title }));
  for (const id of aggregatorIds) feeds.push({ id, url: baseUrl + feedPath(id), title: `Aggregator ${id}` });
  for (const f of feeds) feedByPath.set(new URL(f.url).pathname, f.id);

  return {
    baseUrl,
    corpus,
    feeds,
    articles,
    stats: () => ({ feedRequests, articleRequests, faultsServed: { ...faultsServed } }),
    requestTimes: (path) => [...(requestsByPath.get(path) ?? [])],
    released,
    release: () => {
      startedAt ??= Date.now();
    },
    freeze: () => {
      frozenAt = released();
      return ordered.slice(0, frozenAt).map((a) => byPath.get(demoArticlePath(a))!.info);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of openSockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
