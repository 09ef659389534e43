import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { extractArticle, ExtractError } from '../../src/extract';
import { htmlToText } from '../../src/extract/html-to-text';

const FIXTURES = path.join(__dirname, '../fixtures/extract');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

/** Enough prose for Readability to accept a page as an article. */
const PROSE = [
  'The city council voted on Tuesday evening to approve a new budget for the coming year, ending months of negotiation between the mayor and the opposition groups.',
  'The budget raises spending on public transport and schools while trimming the administrative costs that critics had long described as bloated and poorly controlled.',
  'Opposition members said the plan still relied on optimistic revenue forecasts, and warned that the council might have to return to the issue before the summer recess.',
  'The mayor defended the figures, saying they had been checked by independent auditors and that the city finances were in better shape than at any time in the past decade.',
];
const proseParagraphs = PROSE.map((p) => `<p>${p}</p>`).join('\n');

function page({ head = '', body = proseParagraphs, htmlAttrs = '' } = {}): string {
  return `<!doctype html><html ${htmlAttrs}><head><title>Council approves budget</title>${head}</head><body><article>${body}</article></body></html>`;
}

function textOf(html: string): string {
  const dom = new JSDOM(`<body>${html}</body>`);
  try {
    return htmlToText(dom.window.document.body);
  } finally {
    dom.window.close();
  }
}

function expectExtractError(run: () => unknown, code: string): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ExtractError);
  expect((caught as ExtractError).code).toBe(code);
}

describe('htmlToText', () => {
  test('separates blocks by a blank line and keeps inline runs as rendered', () => {
    expect(textOf('<p>one<b>two</b></p><p>three</p>')).toBe('onetwo\n\nthree');
    expect(textOf('<ul><li>a</li><li>b</li></ul>')).toBe('a\n\nb');
  });

  test('never glues words across inline elements separated by whitespace', () => {
    expect(textOf('<p><b>bold</b> <i>italic</i>\n  <a href="#">link</a></p>')).toBe('bold italic link');
  });

  test('treats headings, quotes, rows and divs with direct text as blocks', () => {
    const html =
      '<h2>Heading</h2><blockquote>Quoted</blockquote><div>direct <span>text</span><div>nested</div></div>' +
      '<table><tr><td>c1</td><td>c2</td></tr><tr><td>c3</td></tr></table>';
    expect(textOf(html)).toBe('Heading\n\nQuoted\n\ndirect text\n\nnested\n\nc1 c2\n\nc3');
  });

  test('keeps <pre> line structure, maps <br> to a line break and <br><br> to a block break', () => {
    expect(textOf('<pre>line 1\n  line 2</pre>')).toBe('line 1\n  line 2');
    expect(textOf('<p>first<br>second<br><br>third</p>')).toBe('first\nsecond\n\nthird');
  });

  test('skips scripts, styles and form controls', () => {
    expect(textOf('<p>kept<script>var x = 1;</script><style>p{}</style><button>Share</button></p>')).toBe('kept');
  });
});

describe('extractArticle: full page', () => {
  const url = 'https://example.com/news/2026/09/16/harbour-bridge-reopens?utm_source=feed';
  const article = extractArticle(fixture('news-article.html'), url);

  test('reads metadata from JSON-LD @graph, Open Graph and link tags', () => {
    expect(article).toMatchObject({
      title: 'Harbour bridge reopens after two years of repairs',
      authors: ['Jane Doe', 'John Roe'],
      byline: 'Jane Doe, John Roe',
      publishedAt: '2026-09-16T06:30:00.000Z',
      modifiedAt: '2026-09-16T08:00:00.000Z',
      siteName: 'The Daily Example',
      canonicalUrl: 'https://example.com/news/2026/09/16/harbour-bridge-reopens',
      lang: 'en',
      leadImage: 'https://example.com/images/bridge.jpg',
      method: 'readability',
      readerable: true,
    });
  });

  test('keeps every paragraph, separated by blank lines', () => {
    const blocks = article.text.split('\n\n');
    expect(blocks[0]).toMatch(/^The harbour bridge reopened to traffic/);
    expect(blocks).toContain('Tolls remain suspended until October.');
    expect(blocks).toContain('Cyclists get a new protected lane.');
    expect(blocks[blocks.length - 1]).toMatch(/before the spring inspection\.$/);
    expect(article.text).toContain('damage to the anchorages and the bearings');
    expect(article.text).not.toMatch(/\n{3,}/);
  });

  test('drops title, byline, captions, share bar, newsletter, related links, comments and chrome', () => {
    for (const boilerplate of [
      'By Jane Doe',
      'Photo: Example Agency',
      'Share on Facebook',
      'morning newsletter',
      'Bridge closure hits local shops',
      'detour was a nightmare',
      'All rights reserved',
      'Home',
    ]) {
      expect(article.text).not.toContain(boilerplate);
    }
  });

  test('uses a sensible og:description as excerpt and counts words', () => {
    expect(article.excerpt).toBe('The harbour bridge reopened to traffic on Wednesday after two years of repairs to its cables and deck.');
    expect(article.wordCount).toBe(article.text.split(/\s+/).length);
  });
});

describe('extractArticle: metadata sources', () => {
  test('meta tags: article:published_time, author, og:site_name, relative canonical, content-language', () => {
    const head =
      '<meta property="article:published_time" content="2026-09-16T09:15:00Z">' +
      '<meta property="article:modified_time" content="not a date">' +
      '<meta name="author" content="By Alice Smith &amp; Bob Jones">' +
      '<meta property="og:site_name" content="Example Times">' +
      '<meta http-equiv="content-language" content="fr-FR">' +
      '<link rel="canonical" href="../budget">';
    const result = extractArticle(page({ head }), 'https://example.com/politics/x/story');
    expect(result).toMatchObject({
      publishedAt: '2026-09-16T09:15:00.000Z',
      modifiedAt: undefined,
      authors: ['Alice Smith', 'Bob Jones'],
      siteName: 'Example Times',
      canonicalUrl: 'https://example.com/politics/budget',
      lang: 'fr',
    });
  });

  test('JSON-LD article with an author array, publisher name and timezone offset', () => {
    const jsonLd = {
      '@context': 'https://schema.org',
      '@type': ['NewsArticle'],
      headline: 'Council approves &#8220;historic&#8221; budget',
      datePublished: '2026-09-16T18:00:00-04:00',
      author: [{ '@type': 'Person', name: 'Carol White' }, 'Dan Black'],
      publisher: { '@type': 'Organization', name: 'Example Gazette' },
    };
    const head = `<script type="application/ld+json">${JSON.stringify(jsonLd)}</script>`;
    const result = extractArticle(page({ head }), 'https://example.com/story');
    expect(result).toMatchObject({
      title: 'Council approves “historic” budget',
      publishedAt: '2026-09-16T22:00:00.000Z',
      authors: ['Carol White', 'Dan Black'],
      siteName: 'Example Gazette',
    });
  });

  test('JSON-LD @graph references resolve to nodes defined later in the graph', () => {
    const jsonLd = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'BlogPosting', headline: 'Budget', author: { '@id': '#ann' }, publisher: { '@id': '#org' } },
        { '@type': 'Person', '@id': '#ann', name: 'Ann Blue' },
        { '@type': 'Organization', '@id': '#org', name: 'Example Post' },
      ],
    };
    const head = `<script type="application/ld+json">${JSON.stringify(jsonLd)}</script>`;
    const result = extractArticle(page({ head }), 'https://example.com/story');
    expect(result.authors).toEqual(['Ann Blue']);
    expect(result.siteName).toBe('Example Post');
  });

  test('<time datetime> inside the article, <html lang>, rel=author', () => {
    const body =
      '<time datetime="2026-09-16T08:00:00+02:00">16 September</time>' +
      '<a rel="author" href="/staff/erin">Erin Grey</a>' +
      proseParagraphs;
    const result = extractArticle(page({ body, htmlAttrs: 'lang="pt-BR"' }), 'https://example.com/story');
    expect(result.publishedAt).toBe('2026-09-16T06:00:00.000Z');
    expect(result.lang).toBe('pt');
    expect(result.authors).toEqual(['Erin Grey']);
  });

  test('falls back to a date in the URL, and rejects impossible ones', () => {
    expect(extractArticle(page(), 'https://example.com/2026/09/16/budget').publishedAt).toBe('2026-09-16T00:00:00.000Z');
    expect(extractArticle(page(), 'https://example.com/2026/02/31/budget').publishedAt).toBeUndefined();
    expect(extractArticle(page(), 'https://example.com/budget').publishedAt).toBeUndefined();
  });

  test.each([
    ['Council approves budget for next year | The Outlet', 'Council approves budget for next year'],
    ['Council approves budget for next year - The Outlet', 'Council approves budget for next year'],
    ['Council approves budget for next year — The Outlet', 'Council approves budget for next year'],
    ['Council approves budget – example.com', 'Council approves budget'],
    ['Biden - Putin summit ends', 'Biden - Putin summit ends'],
  ])('strips the site-name suffix from <title> %p', (title, expected) => {
    const html = `<html><head><title>${title}</title></head><body><div>${proseParagraphs}</div></body></html>`;
    expect(extractArticle(html, 'https://example.com/story').title).toBe(expected);
  });

  test('og:title wins over <title>, and loses a suffix naming the site', () => {
    const head =
      '<meta property="og:site_name" content="The Outlet">' + '<meta property="og:title" content="Budget passes at last | The Outlet">';
    expect(extractArticle(page({ head }), 'https://example.com/story').title).toBe('Budget passes at last');
  });
});

describe('extractArticle: fallbacks', () => {
  test('uses JSON-LD articleBody when the visible body is tiny (paywall teaser)', () => {
    const jsonLd = { '@type': 'NewsArticle', headline: 'Budget', articleBody: PROSE.join('\n') };
    const head = `<script type="application/ld+json">${JSON.stringify(jsonLd)}</script>`;
    const result = extractArticle(page({ head, body: '<p>Subscribe to read the full story.</p>' }), 'https://example.com/x');
    expect(result.method).toBe('json-ld');
    expect(result.text).toBe(PROSE.join('\n\n'));
  });

  test('uses the densest paragraph block when Readability refuses a page with too many elements', () => {
    const noise = '<span>x</span>'.repeat(25_000);
    const html = `<html><body><div class="links">${noise}</div><div class="story">${proseParagraphs}</div></body></html>`;
    const result = extractArticle(html, 'https://example.com/x');
    expect(result.method).toBe('density');
    expect(result.text).toBe(PROSE.join('\n\n'));
  });

  test('uses the feed summary as a last resort', () => {
    const summary = `<p>${PROSE[0]}</p><p>${PROSE[1]}</p>`;
    const result = extractArticle('<html><body><div>Loading…</div></body></html>', 'https://example.com/x', {
      feedSummary: summary,
    });
    expect(result.method).toBe('feed-summary');
    expect(result.text).toBe(`${PROSE[0]}\n\n${PROSE[1]}`);
  });
});

describe('extractArticle: hostile and broken input', () => {
  test('never runs page scripts or event handlers and never fetches resources', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('document.body.innerHTML = "HACKED"; globalThis.__extractPwned = true;');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const html = page({
        head: `<script src="${origin}/evil.js"></script><link rel="stylesheet" href="${origin}/x.css">`,
        body:
          `<script>document.body.innerHTML = 'HACKED'; globalThis.__extractPwned = true;</script>` +
          `<img src="${origin}/pixel.gif" onerror="globalThis.__extractPwned = true">` +
          `<iframe src="${origin}/frame"></iframe>` +
          proseParagraphs,
      }).replace('<body>', '<body onload="document.body.innerHTML = \'HACKED\'">');
      const result = extractArticle(html, `${origin}/story`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(result.text).toBe(PROSE.join('\n\n'));
      expect(result.text).not.toContain('HACKED');
      expect((globalThis as Record<string, unknown>).__extractPwned).toBeUndefined();
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('empty input throws EMPTY_INPUT, a page without text throws NO_CONTENT', () => {
    expectExtractError(() => extractArticle('', 'https://example.com/x'), 'EMPTY_INPUT');
    expectExtractError(() => extractArticle(' \n\t ', 'https://example.com/x'), 'EMPTY_INPUT');
    expectExtractError(() => extractArticle('<html><body></body></html>', 'https://example.com/x'), 'NO_CONTENT');
  });

  test('binary and markup-free input throws NOT_HTML', () => {
    const bytes = Buffer.alloc(4096, 0);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    expectExtractError(() => extractArticle(bytes.toString('latin1'), 'https://example.com/x'), 'NOT_HTML');
    expectExtractError(() => extractArticle('%PDF-1.7\n1 0 obj <<>>', 'https://example.com/x'), 'NOT_HTML');
    expectExtractError(() => extractArticle('just some plain words', 'https://example.com/x'), 'NOT_HTML');
  });

  test('an unparsable URL throws INVALID_URL', () => {
    expectExtractError(() => extractArticle(page(), 'not a url'), 'INVALID_URL');
  });

  test('a 6 MB page is truncated to maxHtmlBytes and still extracted', () => {
    const teaser = '<div class="teaser"><a href="/more">Another story you might like</a></div>\n';
    const filler = teaser.repeat(Math.ceil((6 * 1024 * 1024) / teaser.length));
    const html = fixture('news-article.html').replace('</main>', `</main>${filler}<p>AFTER THE CUT</p>`);
    expect(Buffer.byteLength(html)).toBeGreaterThan(6 * 1024 * 1024);

    const started = Date.now();
    const result = extractArticle(html, 'https://example.com/news/x');
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(result.text).toMatch(/^The harbour bridge reopened/);
    expect(result.text).not.toContain('AFTER THE CUT');
  }, 60_000);

  test('a small maxHtmlBytes cuts a multi-byte character cleanly', () => {
    const html = page({ body: `${proseParagraphs}<p>${'é'.repeat(500)}</p>` });
    const cut = Buffer.byteLength(html) - 301; // lands inside a 2-byte "é"
    const result = extractArticle(html, 'https://example.com/x', { maxHtmlBytes: cut });
    expect(result.text).not.toContain('\uFFFD');
    expect(result.text.startsWith(PROSE[0])).toBe(true);
  });
});
