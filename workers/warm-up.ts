import type { StageName } from '../src/types';
import { DEMO_ARTICLES, DEMO_OUTLETS, demoArticlePath, type DemoArticle } from '../src/demo/corpus';
import { demoArticleRecord } from '../src/demo/records';
import { generateLoadCorpus } from '../src/load/corpus';
import { renderArticlePage, renderFeed } from '../src/demo/render';
import { parseFeed } from '../src/feeds/parse';
import { createStoryClusterer } from '../src/merge';
import { composeStory, storyMember, type StoryMember } from '../src/merge/compose-story';
import { analyseText, parseTextAnalysis, textAnalysisRecord } from '../src/merge/text-analysis';
import { buildArticleEvent, buildStoryEvent } from '../src/publish/events';
import { tagEntities } from '../src/tag';
import type { StorylineConfig } from '../config';
import { extractPoolFor } from './extract';

/*
 * Work a stage does once before it takes its first job, so the first
 * articles after a start or a deploy are not the ones that pay for it.
 *
 * - Extraction threads are spawned lazily and each loads jsdom and Readability
 *   on its first page (about a second of CPU per thread, at the threads' lower
 *   priority). Without this, the articles of a run's first seconds waited up
 *   to 2.7 s in the extract queue and were the whole of the bench's p99.
 * - The other stages' code is cold too: V8 interprets a function until it has
 *   run often enough to be optimised, and zod compiles a schema on its first
 *   parse. A cold tag, merge or publish job costs several times a warm one, and
 *   these run at normal priority while extraction threads run at nice 10, so in
 *   the first seconds after a start they took the CPU the threads needed
 *   (p99 of the articles fetched in the first 10 s: 1.2 s, after that 0.3 s;
 *   docs/benchmarks.md). Each stage therefore runs its own pure code over the
 *   bundled demo corpus first: tag and the text analysis, the clusterer, the
 *   briefing and near-duplicates, both events and their schema checks, the
 *   feed parsers in every format the demo serves.
 *
 * Everything runs in memory over the bundled corpus: nothing is fetched or
 * stored, and the in-memory clusterer is dropped afterwards.
 */
export async function warmUpStages(
  stages: readonly StageName[],
  cfg: StorylineConfig,
  sizes: { pagesPerThread?: number; articles?: number } = {},
): Promise<WarmUpReport> {
  const started = Date.now();
  const report: WarmUpReport = { ms: 0, pages: 0, feeds: 0, articles: 0, stories: 0, events: 0 };
  const pagesPerThread = sizes.pagesPerThread ?? cfg.warmUp.pagesPerThread;
  const articles = sizes.articles ?? cfg.warmUp.articles;
  if (stages.includes('extract') && pagesPerThread > 0) report.pages = await warmUpExtraction(cfg, pagesPerThread);
  if (stages.includes('feeds') && articles > 0) report.feeds = await warmUpFeedParsing();
  if (articles > 0 && (stages.includes('tag') || stages.includes('merge') || stages.includes('publish')))
    Object.assign(report, warmUpArticleStages(stages, cfg, articles));
  report.ms = Date.now() - started;
  return report;
}

/** What a warm-up did (logged by the worker command): pages extracted, feeds parsed, articles tagged, stories and events built. */
export interface WarmUpReport {
  ms: number;
  pages: number;
  feeds: number;
  articles: number;
  stories: number;
  events: number;
}

const BASE_URL = 'http://warm-up.invalid';

function outletOf(article: DemoArticle) {
  return DEMO_OUTLETS.find((o) => o.id === article.outlet) ?? DEMO_OUTLETS[0];
}

async function warmUpExtraction(cfg: StorylineConfig, pagesPerThread: number): Promise<number> {
  const pool = extractPoolFor(cfg);
  const threads = Math.max(1, pool.size);
  const articles = generateLoadCorpus(threads * pagesPerThread).articles.slice(0, threads * pagesPerThread);
  // As many pages in flight as threads: the pool spawns every thread and keeps each busy. Pages are
  // rendered as they are needed, and the first failure stops every loop (the worker logs it and starts).
  let next = 0;
  await Promise.all(
    Array.from({ length: threads }, async () => {
      while (next < articles.length) {
        const article = articles[next++];
        const url = BASE_URL + demoArticlePath(article);
        const html = renderArticlePage(article, outletOf(article), { url, related: [] });
        try {
          await pool.extract(html, url, { dom: cfg.extract.dom });
        } catch (err) {
          next = articles.length;
          throw err;
        }
      }
    }),
  );
  return articles.length;
}

/** One feed per demo outlet: every format the demo serves (RSS 2, RSS without version, Atom, RDF, JSON Feed). */
async function warmUpFeedParsing(): Promise<number> {
  for (const outlet of DEMO_OUTLETS) {
    const items = DEMO_ARTICLES.filter((a) => a.outlet === outlet.id).map((article) => ({
      article,
      url: BASE_URL + demoArticlePath(article),
    }));
    const feedUrl = `${BASE_URL}/${outlet.id}/feed`;
    const feed = renderFeed(outlet, items, { feedUrl, siteUrl: `${BASE_URL}/${outlet.id}/` });
    await parseFeed(feed.body, { contentType: feed.contentType, url: feedUrl });
  }
  return DEMO_OUTLETS.length;
}

/**
 * The demo corpus through the tag, merge and publish stages' pure code, in
 * stream order: what each of those stages computes per article.
 */
function warmUpArticleStages(
  stages: readonly StageName[],
  cfg: StorylineConfig,
  count: number,
): Pick<WarmUpReport, 'articles' | 'stories' | 'events'> {
  const merging = stages.includes('merge') || stages.includes('publish');
  const clusterer = merging ? createStoryClusterer() : undefined;
  const members = new Map<string, StoryMember[]>();
  let events = 0;
  const articles = generateLoadCorpus(count)
    .articles.slice(0, count)
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  for (const [i, d] of articles.entries()) {
    const record = demoArticleRecord(`warm-up-${i}`, d);
    const { entities } = tagEntities(record.text, { title: record.title });
    // As tag hands it over and merge reads it back.
    const analysis = parseTextAnalysis(JSON.stringify(textAnalysisRecord(analyseText(record.title, record.text))));
    if (!clusterer || !analysis) continue;
    const storyId = clusterer.add({ id: record.id, title: record.title, text: record.text, publishedAt: record.publishedAt, entities });
    const list = [...(members.get(storyId) ?? []), storyMember(record, entities, analysis)];
    members.set(storyId, list);
    const story = composeStory(storyId, list.length, list);
    if (stages.includes('publish')) {
      buildArticleEvent(cfg.publish.source, record, entities, { ...clusterer.reasonOf(record.id)!, storyId });
      buildStoryEvent(cfg.publish.source, story, list.length === 1);
      events += 2;
    }
  }
  return { articles: articles.length, stories: members.size, events };
}
