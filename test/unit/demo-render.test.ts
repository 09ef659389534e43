import type { DemoArticle, DemoFeedFormat, DemoOutlet } from '../../src/demo/corpus/types';
import { renderArticlePage, renderFeed } from '../../src/demo/render';
import { decodeHtmlEntities, htmlToText, parseFeed } from '../../src/feeds/parse';

// jsdom 29 and parse5 are ESM-only, which Jest cannot load on Node 20, so the
// page is inspected with small, strict patterns on our own predictable markup.
// sax (rss-parser's XML tokenizer) checks that the XML feeds are well-formed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sax = require('sax') as {
  parser(strict: boolean): { onerror: (error: Error) => void; write(xml: string): { close(): void } };
};

function xmlErrors(xml: string): string[] {
  const errors: string[] = [];
  const parser = sax.parser(true);
  parser.onerror = (error) => {
    errors.push(error.message);
    throw error;
  };
  try {
    parser.write(xml).close();
  } catch {
    // recorded above
  }
  return errors;
}

/** Attribute value of the first tag matching `tagPattern`, entity-decoded. */
function attributeOf(html: string, tagPattern: RegExp, attribute: string): string | undefined {
  const tag = tagPattern.exec(html)?.[0];
  const value = tag && new RegExp(`\\s${attribute}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? undefined : decodeHtmlEntities(value);
}

function metaContent(html: string, key: 'name' | 'property', value: string): string | undefined {
  return attributeOf(html, new RegExp(`<meta ${key}="${value}"[^>]*>`), 'content');
}

/** Text of every element matched by `pattern` (capture group 1 is its inner HTML). */
function textsOf(html: string, pattern: RegExp): string[] {
  return [...html.matchAll(new RegExp(pattern.source, 'g'))].map((match) => htmlToText(match[1] ?? ''));
}

function section(html: string, open: RegExp, close: string): string {
  const start = html.search(open);
  if (start === -1) return '';
  const end = html.indexOf(close, start);
  return html.slice(start, end === -1 ? undefined : end + close.length);
}

const SITE = 'http://127.0.0.1:8123';

function outletWith(feedFormat: DemoFeedFormat): DemoOutlet {
  return { id: 'test-gazette', name: 'The Test & Gazette', feedFormat, lang: 'en' };
}

const ARTICLES: DemoArticle[] = [
  {
    outlet: 'test-gazette',
    event: 'test-event',
    slug: 'harbour-bridge-reopens',
    title: 'Harbour bridge reopens after “two-year” refit & repaint',
    author: "Dana O'Neill",
    publishedAt: '2026-09-16T08:30:00Z',
    summary: 'The bridge reopened on Wednesday, <ahead> of schedule.',
    paragraphs: [
      'The harbour bridge reopened to traffic on Wednesday morning.',
      'Engineers said the refit cost 12% less than planned & finished early.',
    ],
    caption: 'Traffic crosses the reopened bridge on 16 September.',
  },
  {
    outlet: 'test-gazette',
    event: 'test-event-2',
    slug: 'ferry-timetable-changes',
    title: 'Ferry timetable changes from October',
    author: 'Sam Lee',
    publishedAt: '2026-09-15T17:05:00Z',
    summary: 'Evening sailings move 15 minutes later.',
    paragraphs: ['Evening ferry sailings will leave 15 minutes later from 1 October.'],
  },
];

const articleUrl = (article: DemoArticle) => `${SITE}/test-gazette/${article.publishedAt.slice(0, 10).replace(/-/g, '/')}/${article.slug}`;

const FEED_FORMATS: Array<[DemoFeedFormat, 'rss' | 'atom' | 'rdf' | 'json', string]> = [
  ['rss2', 'rss', 'application/rss+xml'],
  ['rss-noversion', 'rss', 'application/rss+xml'],
  ['atom', 'atom', 'application/atom+xml'],
  ['rdf', 'rdf', 'application/rdf+xml'],
  ['jsonfeed', 'json', 'application/feed+json'],
];

function render(format: DemoFeedFormat) {
  return renderFeed(
    outletWith(format),
    ARTICLES.map((article) => ({ article, url: articleUrl(article) })),
    { feedUrl: `${SITE}/test-gazette/feed`, siteUrl: `${SITE}/test-gazette/` },
  );
}

describe('renderFeed', () => {
  test.each(FEED_FORMATS)('%s round-trips through parseFeed', async (feedFormat, parsedFormat, contentType) => {
    const rendered = render(feedFormat);
    expect(rendered.contentType.startsWith(contentType)).toBe(true);

    const feed = await parseFeed(Buffer.from(rendered.body, 'utf8'), {
      contentType: rendered.contentType,
      url: `${SITE}/test-gazette/feed`,
    });
    expect(feed.format).toBe(parsedFormat);
    expect(feed.title).toBe('The Test & Gazette');
    expect(feed.link).toBe(`${SITE}/test-gazette/`);
    expect(feed.items).toHaveLength(ARTICLES.length);
    ARTICLES.forEach((article, index) => {
      const item = feed.items[index];
      expect(item).toMatchObject({
        link: articleUrl(article),
        title: article.title,
        publishedAt: new Date(article.publishedAt).toISOString(),
        summary: article.summary,
        author: article.author,
      });
      expect(item?.contentHtml).toContain(article.paragraphs[0]?.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      expect(item?.guid).toBeTruthy();
    });
  });

  test('rss2 carries content:encoded and dc:creator; rss-noversion has no version attribute', () => {
    const rss2 = render('rss2').body;
    expect(rss2).toMatch(/<rss version="2\.0"/);
    expect(rss2).toContain('<content:encoded><![CDATA[');
    expect(rss2).toContain('<dc:creator>Dana O&#39;Neill</dc:creator>');
    expect(rss2).toContain('<pubDate>Wed, 16 Sep 2026 08:30:00 GMT</pubDate>');

    const legacy = render('rss-noversion').body;
    expect(legacy).toMatch(/<rss\s/);
    expect(legacy).not.toMatch(/<rss[^>]*\sversion=/);
  });

  test('rdf uses dc:date and an rdf:Seq of items; atom ids are not links', () => {
    const rdf = render('rdf').body;
    expect(rdf).toContain('<dc:date>2026-09-16T08:30:00Z</dc:date>');
    expect(rdf).toContain(`<rdf:li rdf:resource="${articleUrl(ARTICLES[0] as DemoArticle)}"/>`);
    const atom = render('atom').body;
    expect(atom).toContain('<id>tag:test-gazette.storyline.invalid,2026-09-16:harbour-bridge-reopens</id>');
  });

  test('jsonfeed is JSON Feed 1.1', () => {
    const document = JSON.parse(render('jsonfeed').body) as { version: string; items: Array<Record<string, unknown>> };
    expect(document.version).toBe('https://jsonfeed.org/version/1.1');
    expect(document.items[0]).toMatchObject({ authors: [{ name: "Dana O'Neill" }], date_published: '2026-09-16T08:30:00Z' });
  });

  test('every XML format is well-formed', () => {
    for (const [format] of FEED_FORMATS.filter(([format]) => format !== 'jsonfeed')) {
      expect([format, xmlErrors(render(format).body)]).toEqual([format, []]);
    }
    expect(xmlErrors('<rss><channel></rss>')).not.toEqual([]); // the check itself works
  });

  test('an empty feed still renders and parses', async () => {
    for (const [format, parsedFormat] of FEED_FORMATS) {
      const rendered = renderFeed(outletWith(format), [], { feedUrl: `${SITE}/f`, siteUrl: `${SITE}/` });
      const feed = await parseFeed(rendered.body);
      expect(feed).toMatchObject({ format: parsedFormat, items: [] });
    }
  });
});

describe('renderArticlePage', () => {
  const article = ARTICLES[0] as DemoArticle;
  const url = articleUrl(article);
  const related = [
    { title: 'Ferry <timetable> changes', url: articleUrl(ARTICLES[1] as DemoArticle) },
    { title: 'Older story', url: `${SITE}/test-gazette/2026/09/01/older` },
  ];
  const html = renderArticlePage(article, outletWith('rss2'), { url, related });
  const jsonLdOf = (page: string) =>
    JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '{}') as Record<string, unknown>;

  test('head carries title, Open Graph, author, canonical and JSON-LD', () => {
    expect(attributeOf(html, /<html[^>]*>/, 'lang')).toBe('en');
    expect(textsOf(html, /<title>([\s\S]*?)<\/title>/)).toEqual([`${article.title} | The Test & Gazette`]);
    expect(metaContent(html, 'property', 'og:title')).toBe(article.title);
    expect(metaContent(html, 'property', 'og:site_name')).toBe('The Test & Gazette');
    expect(metaContent(html, 'property', 'og:url')).toBe(url);
    expect(metaContent(html, 'property', 'og:type')).toBe('article');
    expect(metaContent(html, 'property', 'article:published_time')).toBe('2026-09-16T08:30:00Z');
    expect(metaContent(html, 'name', 'author')).toBe("Dana O'Neill");
    expect(attributeOf(html, /<link rel="canonical"[^>]*>/, 'href')).toBe(url);

    expect(jsonLdOf(html)).toMatchObject({
      '@type': 'NewsArticle',
      headline: article.title,
      datePublished: '2026-09-16T08:30:00Z',
      author: [{ '@type': 'Person', name: "Dana O'Neill" }],
      publisher: { '@type': 'Organization', name: 'The Test & Gazette' },
    });
  });

  test('body has the article and the boilerplate around it', () => {
    const header = section(html, /<header class="site-header">/, '</header>');
    expect(textsOf(header, /<a [^>]*>([\s\S]*?)<\/a>/).length).toBeGreaterThanOrEqual(5);
    expect(html).toMatch(/<div class="share-bar"/);

    const story = section(html, /<article\b/, '</article>');
    expect(textsOf(story, /<h1>([\s\S]*?)<\/h1>/)).toEqual([article.title]);
    expect(textsOf(story, /<p class="byline">([\s\S]*?)<\/p>/)[0]).toContain("By Dana O'Neill");
    expect(attributeOf(story, /<time [^>]*>/, 'datetime')).toBe('2026-09-16T08:30:00Z');
    expect(textsOf(story, /<figcaption>([\s\S]*?)<\/figcaption>/)[0]).toContain(article.caption);
    const body = section(story, /<div class="story-body">/, '</div>');
    expect(textsOf(body, /<p>([\s\S]*?)<\/p>/)).toEqual(article.paragraphs);

    const aside = section(html, /<aside class="related"/, '</aside>');
    const relatedLinks = [...aside.matchAll(/<a href="([^"]*)">([\s\S]*?)<\/a>/g)].map((match) => [
      htmlToText(match[2] ?? ''),
      decodeHtmlEntities(match[1] ?? ''),
    ]);
    expect(relatedLinks).toEqual(related.map((link) => [link.title, link.url]));
    expect(section(html, /<section class="newsletter-signup"/, '</section>')).toMatch(/<input [^>]*type="email"/);
    expect(html).toMatch(/<footer class="site-footer">/);
  });

  test('text is escaped, not interpreted', () => {
    expect(html).not.toContain('<ahead>');
    expect(html).not.toContain('<timetable>');
    expect(textsOf(html, /<p class="standfirst">([\s\S]*?)<\/p>/)).toEqual([article.summary]);
  });

  test('hostile text cannot break out of attributes or the JSON-LD script', () => {
    const hostile: DemoArticle = {
      ...article,
      title: '"><script>alert(1)</script></script><!--',
      author: "x' onmouseover='alert(1)",
      caption: undefined,
    };
    const page = renderArticlePage(hostile, outletWith('rss2'), { url, related: [] });
    expect(page.match(/<script/g)).toHaveLength(1); // only the JSON-LD block
    expect(page).not.toContain('<!--');
    // Outside the JSON-LD block the author's quotes must all be escaped.
    const outsideScript = page.replace(/<script[\s\S]*?<\/script>/, '');
    expect(outsideScript).not.toContain("x' onmouseover");
    expect(outsideScript).toContain('x&#39; onmouseover=&#39;alert(1)');
    expect(textsOf(page, /<h1>([\s\S]*?)<\/h1>/)).toEqual([hostile.title]);
    expect(metaContent(page, 'name', 'author')).toBe(hostile.author);
    expect(jsonLdOf(page).headline).toBe(hostile.title);
    expect(page).not.toContain('<figure');
  });

  test('rendering is deterministic', () => {
    expect(renderArticlePage(article, outletWith('rss2'), { url, related })).toBe(html);
    expect(render('atom').body).toBe(render('atom').body);
  });
});

describe('the bundled demo corpus', () => {
  test('every outlet feed round-trips and every page renders', async () => {
    // Imported here so the tests above stay independent of the corpus contents.
    const { DEMO_ARTICLES, DEMO_OUTLETS, demoArticlePath, demoFeedPath } = await import('../../src/demo/corpus');
    for (const outlet of DEMO_OUTLETS) {
      const articles = DEMO_ARTICLES.filter((article) => article.outlet === outlet.id);
      const rendered = renderFeed(
        outlet,
        articles.map((article) => ({ article, url: SITE + demoArticlePath(article) })),
        { feedUrl: SITE + demoFeedPath(outlet.id), siteUrl: `${SITE}/${outlet.id}/` },
      );
      const feed = await parseFeed(Buffer.from(rendered.body), { contentType: rendered.contentType, url: SITE + demoFeedPath(outlet.id) });
      expect(feed.items.map((item) => [item.title, item.link, item.summary, item.author])).toEqual(
        articles.map((article) => [article.title, SITE + demoArticlePath(article), article.summary, article.author]),
      );
      for (const article of articles) {
        const page = renderArticlePage(article, outlet, { url: SITE + demoArticlePath(article), related: [] });
        expect(textsOf(page, /<h1>([\s\S]*?)<\/h1>/)).toEqual([article.title]);
      }
    }
  });
});
