import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startApi, type ApiServer } from '../../src/api/server';
import { runDemo, type DemoResult } from '../../src/demo/run';
import { openRuntime, type Runtime } from '../../workers/runtime';
import { cleanup, testConfig, testRedisUrl, uniquePrefix } from '../helpers/redis';

/*
 * The story pages in a real browser: Debian's chromium (apt-get install
 * chromium) driven by playwright-core. Nothing is installed at run time; where
 * /usr/bin/chromium (or STORYLINE_CHROMIUM) is absent the suite is skipped.
 * Screenshots go to test/artifacts/ (ignored by git).
 */
const CHROMIUM = process.env.STORYLINE_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `story-pages browser test SKIPPED: no Chromium at ${CHROMIUM} (Debian/Ubuntu: apt-get install chromium; or set STORYLINE_CHROMIUM)`,
  );
}
const maybe = haveChromium ? describe : describe.skip;
const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

jest.setTimeout(180_000);

maybe('story pages in headless Chromium', () => {
  const prefix = uniquePrefix('browser');
  let demo: DemoResult;
  let rt: Runtime;
  let api: ApiServer;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    demo = await runDemo({ redisUrl: testRedisUrl(), prefix, logLevel: 'silent' });
    rt = await openRuntime(testConfig(prefix));
    api = await startApi(rt, { host: '127.0.0.1', port: 0 });
    profile = mkdtempSync(path.join(tmpdir(), 'storyline-chromium-'));
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await api?.close();
    await rt?.close();
    await cleanup(prefix);
  });

  test('index → story: the briefing sections render, links work, nothing errors', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text());
    });

    await page.goto(`${api.url}/`);
    expect(await page.title()).toBe('Storyline: latest stories');
    const links = page.locator('#latest h3 a');
    expect(await links.count()).toBe(demo.stories.length);
    await expect(page.locator('table.queues tbody tr').count()).resolves.toBe(6);
    await page.screenshot({ path: path.join(ARTIFACTS, 'index.png'), fullPage: true });

    // Follow the story with the most outlets.
    const best = [...demo.stories].sort((a, b) => b.sources.length - a.sources.length)[0];
    await page.locator(`#latest a[href="/stories/${best.id}"]`).click();
    await page.waitForURL(`**/stories/${best.id}`);
    expect(await page.locator('h1').innerText()).toBe(best.title);

    for (const heading of ['What happened', 'What the papers say', 'How we got here', 'Who and what', 'Timeline']) {
      await expect(page.getByRole('heading', { name: heading, level: 2 }).isVisible()).resolves.toBe(true);
    }
    expect(await page.locator('#what-happened p').count()).toBe(best.briefing.whatHappened.length);
    // One attributed line per outlet, with date and link.
    const papers = page.locator('#what-the-papers-say li');
    expect(await papers.count()).toBe(best.sources.length);
    for (let i = 0; i < (await papers.count()); i++) {
      const item = papers.nth(i);
      expect(await item.locator('.outlet').innerText()).toBeTruthy();
      expect(await item.locator('time').count()).toBe(1);
      expect(await item.locator('a').getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
    expect(await page.locator('#entities .card').count()).toBeGreaterThan(0);
    expect(await page.locator('#timeline li').count()).toBe(best.articles.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'story.png'), fullPage: true });

    // "How we got here" links lead to other story pages when there are any.
    const related = page.locator('#how-we-got-here a');
    if ((await related.count()) > 0) {
      const href = await related.first().getAttribute('href');
      await related.first().click();
      await page.waitForURL(`**${href}`);
      await expect(page.getByRole('heading', { name: 'What happened', level: 2 }).isVisible()).resolves.toBe(true);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the story pages read without JavaScript: everything is in the server HTML', async () => {
    const s = demo.stories[0];
    const res = await browser.request.get(`${api.url}/stories/${s.id}`);
    expect(res.status()).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('<script');
    for (const heading of ['What happened', 'What the papers say', 'How we got here', 'Who and what', 'Timeline'])
      expect(html).toContain(heading);
    const page = await browser.newPage();
    await page.goto(`${api.url}/stories/${s.id}`);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('#what-happened p').first().innerText()).toBe(s.briefing.whatHappened[0]);
    await page.close();
  });
});
