import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractArticle } from '../../src/extract';
import { createExtractPool, findThreadScript } from '../../src/extract/pool';
import { closeExtractPools, extractPoolFor } from '../../workers/extract';
import { warmUpStages } from '../../workers/warm-up';
import { ensureBuilt } from '../helpers/cli';
import { testConfig, uniquePrefix } from '../helpers/redis';

/*
 * The threaded path: pages run in worker threads loaded from the compiled
 * build (a thread cannot load TypeScript), the event loop stays free, and a
 * page over the time bound fails with TIMEOUT without taking the pool down.
 */
jest.setTimeout(120_000);

const FIXTURE = readFileSync(path.join(__dirname, '../fixtures/extract/news-article.html'), 'utf8');
const URL_ = 'https://example.com/news/2026/09/16/bridge';

beforeAll(() => {
  try {
    ensureBuilt();
  } catch {
    // tsc still emits when another part of the tree has type errors; the thread script is what matters here.
  }
  expect(findThreadScript()).toBeDefined();
});

test('threads give the same record as inline extraction, for both DOMs, errors included', async () => {
  const pool = createExtractPool({ threads: 2 });
  try {
    expect(pool.mode).toBe('threads');
    for (const dom of ['linkedom', 'jsdom'] as const) {
      await expect(pool.extract(FIXTURE, URL_, { dom })).resolves.toEqual(extractArticle(FIXTURE, URL_, { dom }));
    }
    await expect(pool.extract('\u0000\u0001\u0002binary\u0003'.repeat(100), URL_)).rejects.toMatchObject({
      name: 'ExtractError',
      code: 'NOT_HTML',
    });
    // Many pages at once: both threads busy, all answered.
    const all = await Promise.all(Array.from({ length: 8 }, () => pool.extract(FIXTURE, URL_)));
    expect(new Set(all.map((a) => a.text)).size).toBe(1);
  } finally {
    await pool.close();
  }
});

test('the event loop keeps ticking while a big page is extracted', async () => {
  const pool = createExtractPool({ threads: 1 });
  const big = FIXTURE.replace('</main>', `</main>${'<div class="teaser"><a href="/x">Another story</a></div>'.repeat(60_000)}`);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    const started = Date.now();
    await pool.extract(big, URL_, { dom: 'jsdom' });
    const elapsed = Date.now() - started;
    // A blocked loop would tick about once; a free one about every 10 ms.
    expect(ticks).toBeGreaterThan(Math.min(20, elapsed / 50));
  } finally {
    clearInterval(timer);
    await pool.close();
  }
});

test('a page over the time bound fails with TIMEOUT, and the pool goes on with a fresh thread', async () => {
  const pool = createExtractPool({ threads: 1, timeoutMs: 300 });
  const slow =
    `<html><body><article>${'<p>word '.repeat(200) + '</p>'}${'<div><span>x</span> text</div>'.repeat(2_900)}</article></body></html>`.repeat(
      6,
    );
  try {
    await expect(pool.extract(slow, URL_, { dom: 'jsdom' })).rejects.toMatchObject({ name: 'ExtractError', code: 'TIMEOUT' });
    await expect(pool.extract(slow, URL_, { dom: 'jsdom' })).rejects.toThrow(/timeout/);
  } finally {
    await pool.close();
  }
  const roomy = createExtractPool({ threads: 1, timeoutMs: 20_000 });
  try {
    await expect(roomy.extract(FIXTURE, URL_)).resolves.toMatchObject({ method: 'readability' });
  } finally {
    await roomy.close();
  }
});

test('a closed pool refuses work', async () => {
  const pool = createExtractPool({ threads: 1 });
  await pool.close();
  await expect(pool.extract(FIXTURE, URL_)).rejects.toThrow(/closed/);
});

test('warm-up before the first job starts every extraction thread (and nothing for stages without them)', async () => {
  const cfg = testConfig(uniquePrefix('warm-up'), (raw) => {
    raw.extract.threads = 2;
  });
  try {
    const none = await warmUpStages(['feeds', 'fetch'], cfg, { articles: 0 });
    expect(extractPoolFor(cfg).threadsRunning).toBe(0);
    expect(none).toMatchObject({ pages: 0, feeds: 0, articles: 0 });
    const report = await warmUpStages(['extract', 'tag'], cfg, { pagesPerThread: 3, articles: 5 });
    expect(extractPoolFor(cfg).threadsRunning).toBe(2);
    // Tag alone runs no clusterer and builds no events.
    expect(report).toMatchObject({ pages: 6, articles: 5, stories: 0, events: 0 });
  } finally {
    await closeExtractPools();
  }
});

test('warm-up runs the merge and publish code over the bundled corpus: its 11 events, both events per article', async () => {
  const cfg = testConfig(uniquePrefix('warm-up'));
  // The demo corpus in date order through the clusterer, the briefing and the events' schema checks:
  // a story that failed its schema would throw here, a wrong hand-over of the text analysis would leave no stories.
  const report = await warmUpStages(['merge', 'publish'], cfg, { articles: 66 });
  expect(report).toMatchObject({ pages: 0, articles: 66, stories: 11, events: 132 });
  // The configured size by default (three passes of the corpus), feeds in every demo format.
  const full = await warmUpStages(['feeds', 'merge'], cfg);
  expect(full).toMatchObject({ feeds: 7, articles: cfg.warmUp.articles, events: 0 });
});
