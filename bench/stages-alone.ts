/**
 * The stages alone: the pipeline's work for every article called in a loop in
 * one process, no queues and no Redis. Run as a child of `npm run bench`
 * (bench/pipeline.ts), so its CPU is its own: the load origin serving the
 * pages runs in the parent, as it does for the pipeline's workers.
 *
 *   node dist/bench/stages-alone.js --articles N            (narrow)
 *   node dist/bench/stages-alone.js --origin URL --feeds JSON (full)
 *
 * Narrow, as issue #8 words it: extract (the pipeline's thread pool, one
 * thread per core), tag, and merge (the in-memory clusterer, then the
 * briefing over the story's newest members), over pages rendered in memory.
 *
 * Full: the same plus the rest of the stages' own work, still with no
 * queues: poll and parse every feed page of the load origin once, fetch every
 * article page over loopback HTTP with the pipeline's client (gzip, limits,
 * charset decoding), and build the two CloudEvents publish appends per
 * article (validated against their schemas). Against this loop the pipeline's
 * extra CPU is what queues, records in Redis and coordination cost.
 *
 * Prints one JSON line: articles, wallMs, perSecond, cpuMsPerArticle, main-
 * thread ms per part, stories made, ground-truth events.
 */
import os from 'node:os';
import { loadConfig } from '../config';
import { demoArticlePath } from '../src/demo/corpus';
import { renderArticlePage } from '../src/demo/render';
import { articleRecord, createExtractPool } from '../src/extract';
import { articleIdFor, canonicalizeUrl } from '../src/feeds/canonical-url';
import { decodeBody } from '../src/feeds/charset';
import { parseFeed } from '../src/feeds/parse';
import { createHttpClient, fetchFacts } from '../src/fetch/http';
import { generateLoadCorpus } from '../src/load/corpus';
import { createStoryClusterer, prepareBriefingText } from '../src/merge';
import { composeStory, type StoryMember } from '../src/merge/compose-story';
import { shingleSignature } from '../src/merge/near-duplicates';
import { buildArticleEvent, buildStoryEvent } from '../src/publish/events';
import { tagEntities } from '../src/tag';
import type { ArticleEntity, FetchFacts } from '../src/types';

type Member = StoryMember;

interface Flags {
  articles: number;
  origin?: string;
  feeds: string[];
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { articles: 2046, feeds: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--articles') f.articles = Number(argv[++i]);
    else if (argv[i] === '--origin') f.origin = argv[++i];
    else if (argv[i] === '--feeds') f.feeds = JSON.parse(argv[++i]) as string[];
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  return f;
}

const cpuMsNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** One article to process: where its HTML comes from and what its feed entry said. */
interface Page {
  id: string;
  url: string;
  title: string;
  summary?: string;
  publishedAt?: string;
  source: string;
  html?: string;
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const full = !!flags.origin;
  const cfg = loadConfig((raw) => {
    (raw.fetch as Record<string, unknown>).allowPrivateCidrs = ['127.0.0.0/8'];
  }, {});
  const http = createHttpClient(cfg.fetch);
  const pool = createExtractPool({ threads: os.availableParallelism(), timeoutMs: 20_000 });
  const clusterer = createStoryClusterer();
  const membersOf = new Map<string, Member[]>();
  const versions = new Map<string, number>();
  const corpus = generateLoadCorpus(flags.articles);
  const outlets = new Map(corpus.outlets.map((o) => [o.id, o]));

  // Warm-up: thread start, model load and the first connection are not per-article costs.
  const warm = corpus.articles[0];
  const warmUrl = `http://127.0.0.1:1${demoArticlePath(warm)}`;
  await pool.extract(renderArticlePage(warm, outlets.get(warm.outlet)!, { url: warmUrl, related: [] }), warmUrl, {});
  tagEntities('Warm up the tagger with Nvidia and Tencent in Shenzhen.', {});
  if (full) await http.fetch(flags.feeds[0]);

  const partMs = { feeds: 0, tag: 0, merge: 0, briefing: 0, events: 0 };
  const timed = <T>(part: keyof typeof partMs, fn: () => T): T => {
    const t = performance.now();
    try {
      return fn();
    } finally {
      partMs[part] += performance.now() - t;
    }
  };
  const cpu0 = cpuMsNow();
  const t0 = performance.now();

  let pages: Page[];
  if (full) {
    // Every feed page once, as the feeds stage would on its first poll.
    const byId = new Map<string, Page>();
    for (const url of flags.feeds) {
      const res = await http.fetch(url);
      const t = performance.now();
      const parsed = await parseFeed(res.body, { contentType: res.contentType, url: res.finalUrl });
      for (const item of parsed.items) {
        const id = articleIdFor(canonicalizeUrl(item.link));
        if (!byId.has(id))
          byId.set(id, {
            id,
            url: item.link,
            title: item.title,
            summary: item.summary,
            publishedAt: item.publishedAt,
            source: parsed.title ?? '',
          });
      }
      partMs.feeds += performance.now() - t;
    }
    pages = [...byId.values()];
  } else {
    pages = corpus.articles.map((a) => {
      const url = `http://127.0.0.1:1${demoArticlePath(a)}`;
      return {
        id: url,
        url,
        title: a.title,
        summary: a.summary,
        publishedAt: a.publishedAt,
        source: a.outlet,
        html: renderArticlePage(a, outlets.get(a.outlet)!, { url, related: [] }),
      };
    });
  }

  let next = 0;
  // As many pages in flight as threads (twice): extraction runs in the pool while the main thread does the rest.
  const inFlight = Math.max(2, pool.size * 2);
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < pages.length) {
        const p = pages[next++];
        let html = p.html;
        let finalUrl = p.url;
        let fetched: FetchFacts | undefined;
        if (html === undefined) {
          const res = await http.fetch(p.url);
          html = decodeBody(res.body, res.contentType);
          finalUrl = res.finalUrl;
          fetched = fetchFacts(res);
        }
        const x = await pool.extract(html, finalUrl, { feedSummary: p.summary });
        const entities: ArticleEntity[] = timed('tag', () => tagEntities(x.text, { title: x.title }).entities);
        const title = x.title || p.title;
        const publishedAt = x.publishedAt ?? p.publishedAt;
        const storyId = timed('merge', () => clusterer.add({ id: p.id, title, text: x.text, publishedAt, entities }));
        const source = x.siteName ?? p.source;
        const member: Member = {
          id: p.id,
          title,
          text: x.text,
          source,
          url: p.url,
          publishedAt,
          entities,
          signature: shingleSignature(x.text),
          // As the merge worker's member cache: each article's text is analysed once, not per briefing.
          prepared: timed('briefing', () => prepareBriefingText(title, x.text)),
        };
        // Story repair moves members: gather them by the story each article is in now.
        const members = [...(membersOf.get(storyId) ?? []), member];
        for (const [absorbed, survivor] of clusterer.merged()) {
          const list = membersOf.get(absorbed);
          if (list && survivor === storyId) {
            members.push(...list);
            membersOf.delete(absorbed);
          }
        }
        membersOf.set(storyId, members);
        const version = (versions.get(storyId) ?? 0) + 1;
        versions.set(storyId, version);
        const story = timed('briefing', () => composeStory(storyId, version, members));
        if (full && fetched) {
          const article = articleRecord(x, {
            id: p.id,
            url: p.url,
            canonicalUrl: canonicalizeUrl(p.url),
            feedIds: [],
            fallbackTitle: p.title,
            fallbackPublishedAt: p.publishedAt,
            fallbackSource: p.source,
            fetch: fetched,
          });
          const assignment = { ...clusterer.reasonOf(p.id)!, storyId };
          timed('events', () => {
            buildArticleEvent(cfg.publish.source, article, entities, assignment);
            buildStoryEvent(cfg.publish.source, story, version === 1);
          });
        }
      }
    }),
  );
  const wallMs = performance.now() - t0;
  const cpuMs = cpuMsNow() - cpu0;
  await pool.close();
  await http.close();
  process.stdout.write(
    JSON.stringify({
      mode: full ? 'full' : 'narrow',
      articles: pages.length,
      wallMs,
      perSecond: (pages.length / wallMs) * 1000,
      cpuMsPerArticle: cpuMs / pages.length,
      msPerArticle: Object.fromEntries(Object.entries(partMs).map(([k, v]) => [k, v / pages.length])),
      stories: clusterer.stories().length,
      events: corpus.events,
    }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
