import { commonFeedUrls, feedIdFromUrl, feedLinksInHtml } from '../../src/feeds/discover';
import { OpmlError, parseOpml, toOpml } from '../../src/feeds/opml';

test('feed links: rel=alternate with a feed type, resolved against <base>, comment feeds last, unsafe schemes dropped', () => {
  const html = `<!doctype html><html><head><base href="https://news.example/blog/">
    <link rel="stylesheet" href="/s.css">
    <link rel="alternate" type="application/rss+xml" title="Comments Feed" href="comments/feed">
    <link rel="alternate" type="application/rss+xml" title="Main &amp; more" href="feed">
    <LINK REL="Alternate feed" TYPE="application/atom+xml" HREF="https://news.example/atom.xml">
    <link rel="alternate" type="application/feed+json" href='/feed.json'>
    <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
  </head><body></body></html>`;
  expect(feedLinksInHtml(html, 'https://news.example/')).toEqual([
    { url: 'https://news.example/blog/feed', type: 'application/rss+xml', via: 'link', title: 'Main & more' },
    { url: 'https://news.example/atom.xml', type: 'application/atom+xml', via: 'link' },
    { url: 'https://news.example/feed.json', type: 'application/feed+json', via: 'link' },
    { url: 'https://news.example/blog/comments/feed', type: 'application/rss+xml', via: 'link', title: 'Comments Feed' },
  ]);
});

test('common feed paths are at the site root', () => {
  const urls = commonFeedUrls('https://news.example/section/page.html').map((c) => c.url);
  expect(urls).toContain('https://news.example/feed');
  expect(urls).toContain('https://news.example/atom.xml');
});

test('feed ids derived from URLs are readable, valid and unique', () => {
  expect(feedIdFromUrl('https://www.example.com/news/rss.xml')).toBe('example.com-news-rss.xml');
  expect(feedIdFromUrl('https://example.com/')).toBe('example.com');
  expect(feedIdFromUrl('https://example.com/?feed=rss2')).toBe('example.com-feed-rss2');
  expect(feedIdFromUrl('https://example.com/', new Set(['example.com', 'example.com-2']))).toBe('example.com-3');
});

test('OPML import reads nested outlines, decodes entities, skips non-http and duplicates', () => {
  const opml = `<?xml version="1.0"?><opml version="1.0"><head><title>x</title></head><body>
    <outline text="News"><outline text="A &amp; B" type="rss" xmlUrl="https://a.example/feed?x=1&amp;y=2" htmlUrl="https://a.example/"/>
    <outline title="C" xmlurl='http://c.example/rss'/></outline>
    <outline text="dup" xmlUrl="https://a.example/feed?x=1&amp;y=2"/>
    <outline text="evil" xmlUrl="file:///etc/passwd"/>
  </body></opml>`;
  expect(parseOpml(opml)).toEqual([
    { xmlUrl: 'https://a.example/feed?x=1&y=2', title: 'A & B', htmlUrl: 'https://a.example/' },
    { xmlUrl: 'http://c.example/rss', title: 'C' },
  ]);
  expect(() => parseOpml('<html><body>no</body></html>')).toThrow(OpmlError);
});

test('OPML export round-trips through import', () => {
  const feeds = [
    { id: 'a', url: 'https://a.example/feed?x=1&y=2', title: 'A "quoted" <feed>' },
    { id: 'b', url: 'https://b.example/rss' },
  ];
  const opml = toOpml(feeds, { now: new Date(0) });
  expect(parseOpml(opml)).toEqual([
    { xmlUrl: 'https://a.example/feed?x=1&y=2', title: 'A "quoted" <feed>' },
    { xmlUrl: 'https://b.example/rss', title: 'b' },
  ]);
});
