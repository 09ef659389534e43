import iconv from 'iconv-lite';
import { decodeBody, detectCharset } from '../../src/feeds/charset';
import { FeedParseError, parseFeed, toIsoDate } from '../../src/feeds/parse';

const FEED_URL = 'https://news.example.com/feeds/latest.xml';

function rss(items: string, channelExtra = '', rootAttributes = 'version="2.0"'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss ${rootAttributes} xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Example News</title>
    ${channelExtra}
    ${items}
  </channel>
</rss>`;
}

async function parseError(body: string | Buffer, opts = {}): Promise<FeedParseError> {
  try {
    await parseFeed(body, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(FeedParseError);
    return error as FeedParseError;
  }
  throw new Error('expected parseFeed to throw');
}

describe('parseFeed: formats', () => {
  test('RSS 2.0 maps every field', async () => {
    const feed = await parseFeed(
      rss(
        `<item>
          <title>Chipmaker &lt;b&gt;beats&lt;/b&gt; forecasts</title>
          <link>https://news.example.com/2026/09/chips</link>
          <guid isPermaLink="false">item-1</guid>
          <pubDate>Wed, 16 Sep 2026 09:40:00 GMT</pubDate>
          <dc:creator>Helen Marchetti</dc:creator>
          <description>&lt;p&gt;Shares rose &amp;amp; fell.&lt;/p&gt;</description>
          <content:encoded><![CDATA[<p>Full text.</p>]]></content:encoded>
        </item>`,
        '<link>https://news.example.com/</link>',
      ),
      { url: FEED_URL },
    );
    expect(feed.format).toBe('rss');
    expect(feed.title).toBe('Example News');
    expect(feed.link).toBe('https://news.example.com/');
    expect(feed.items).toEqual([
      {
        guid: 'item-1',
        link: 'https://news.example.com/2026/09/chips',
        title: 'Chipmaker beats forecasts',
        publishedAt: '2026-09-16T09:40:00.000Z',
        summary: 'Shares rose & fell.',
        contentHtml: '<p>Full text.</p>',
        author: 'Helen Marchetti',
      },
    ]);
  });

  test('<rss> without a version attribute parses as RSS 2.0', async () => {
    const feed = await parseFeed(rss('<item><title>No version</title><link>https://news.example.com/a</link></item>', '', ''));
    expect(feed.format).toBe('rss');
    expect(feed.items.map((item) => item.title)).toEqual(['No version']);
  });

  test('RSS 0.91 with a Netscape DOCTYPE parses', async () => {
    const feed = await parseFeed(`<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title>
<item><title>Legacy</title><link>http://old.example.com/1</link><description>d</description></item></channel></rss>`);
    expect(feed.items[0]).toMatchObject({ title: 'Legacy', link: 'http://old.example.com/1', summary: 'd' });
  });

  test('Atom 1.0: alternate link, published date, author, html content', async () => {
    const feed = await parseFeed(
      `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom News</title>
  <link rel="self" href="https://atom.example.com/feed.atom"/>
  <link rel="alternate" href="https://atom.example.com/"/>
  <author><name>Desk</name></author>
  <entry>
    <title type="html">Q3 &amp;amp; beyond</title>
    <id>tag:atom.example.com,2026:1</id>
    <link rel="replies" href="https://atom.example.com/1#comments"/>
    <link rel="alternate" type="text/html" href="https://atom.example.com/1"/>
    <published>2026-09-16T11:15:00+02:00</published>
    <updated>2026-09-17T00:00:00Z</updated>
    <summary type="text">Short.</summary>
    <content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Second</title>
    <link href="https://atom.example.com/2"/>
    <id>tag:atom.example.com,2026:2</id>
    <updated>2026-09-15T08:00:00Z</updated>
    <author><name>Ana</name></author>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Inline</p></div></content>
  </entry>
</feed>`,
      { url: 'https://atom.example.com/feed.atom' },
    );
    expect(feed).toMatchObject({ format: 'atom', title: 'Atom News', link: 'https://atom.example.com/' });
    expect(feed.items[0]).toEqual({
      guid: 'tag:atom.example.com,2026:1',
      link: 'https://atom.example.com/1',
      title: 'Q3 & beyond',
      publishedAt: '2026-09-16T09:15:00.000Z',
      summary: 'Short.',
      contentHtml: '<p>Body</p>',
      author: 'Desk', // feed-level author applies to entries without one
    });
    expect(feed.items[1]).toMatchObject({
      title: 'Second',
      publishedAt: '2026-09-15T08:00:00.000Z', // falls back to <updated>
      author: 'Ana',
      contentHtml: '<p>Inline</p>',
      summary: 'Inline',
    });
  });

  test('an unparseable Atom date loses only the date, not the feed', async () => {
    const feed = await parseFeed(`<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><title>Bad date</title><link href="https://a.example.com/1"/><published>yesterday-ish</published></entry>
      <entry><title>Good</title><link href="https://a.example.com/2"/><published>2026-09-16T08:00:00Z</published></entry></feed>`);
    expect(feed.items.map((item) => [item.title, item.publishedAt])).toEqual([
      ['Bad date', undefined],
      ['Good', '2026-09-16T08:00:00.000Z'],
    ]);
  });

  test('RSS 1.0 (RDF) with dc:date', async () => {
    const feed = await parseFeed(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example.com/"><title>RDF News</title><link>https://rdf.example.com/</link></channel>
  <item rdf:about="https://rdf.example.com/1">
    <title>First RDF item</title><link>https://rdf.example.com/1</link>
    <dc:date>2026-09-16T08:30:00+01:00</dc:date><dc:creator>Ivo</dc:creator>
    <description>About it.</description>
  </item>
</rdf:RDF>`);
    expect(feed.format).toBe('rdf');
    expect(feed.items).toEqual([
      {
        guid: 'https://rdf.example.com/1',
        link: 'https://rdf.example.com/1',
        title: 'First RDF item',
        publishedAt: '2026-09-16T07:30:00.000Z',
        summary: 'About it.',
        author: 'Ivo',
      },
    ]);
  });

  test('JSON Feed 1.1: authors, content_html, summary, external_url fallback', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'JSON News',
        home_page_url: 'https://json.example.com/',
        items: [
          {
            id: 'j1',
            url: 'https://json.example.com/1',
            title: 'One',
            summary: 'First summary',
            content_html: '<p>One</p>',
            date_published: '2026-09-16T10:00:00-05:00',
            authors: [{ name: 'Kim' }, { name: 'Lee' }],
          },
          { id: 2, external_url: 'https://elsewhere.example.org/story', content_text: 'Plain body' },
          { id: 'no-link', title: 'dropped' },
        ],
      }),
    );
    expect(feed).toMatchObject({ format: 'json', title: 'JSON News', link: 'https://json.example.com/' });
    expect(feed.items).toEqual([
      {
        guid: 'j1',
        link: 'https://json.example.com/1',
        title: 'One',
        publishedAt: '2026-09-16T15:00:00.000Z',
        summary: 'First summary',
        contentHtml: '<p>One</p>',
        author: 'Kim, Lee',
      },
      {
        guid: '2',
        link: 'https://elsewhere.example.org/story',
        title: '',
        summary: 'Plain body',
        contentHtml: '<p>Plain body</p>',
      },
    ]);
  });

  test('JSON Feed 1.0: author object, relative url', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1',
        title: 'Old JSON',
        author: { name: 'Feed Author' },
        items: [{ id: 'x', url: '/posts/x', title: 'X', content_text: 'text', date_modified: '2026-09-01T00:00:00Z' }],
      }),
      { url: 'https://j10.example.com/feed.json' },
    );
    expect(feed.items[0]).toMatchObject({
      link: 'https://j10.example.com/posts/x',
      author: 'Feed Author',
      publishedAt: '2026-09-01T00:00:00.000Z',
    });
  });
});

describe('parseFeed: links', () => {
  test('relative links resolve against the feed URL', async () => {
    const feed = await parseFeed(
      rss(`<item><title>Rel</title><link>/2026/09/relative-story</link></item>
           <item><title>Path</title><link>story.html?id=3</link></item>`),
      { url: FEED_URL },
    );
    expect(feed.items.map((item) => item.link)).toEqual([
      'https://news.example.com/2026/09/relative-story',
      'https://news.example.com/feeds/story.html?id=3',
    ]);
  });

  test("relative links use the channel's <link> and xml:base when present", async () => {
    const feed = await parseFeed(rss('<item><title>Rel</title><link>?p=123</link></item>', '<link>https://www.example.org/blog/</link>'), {
      url: 'https://cdn.example.net/feed/',
    });
    expect(feed.items[0]?.link).toBe('https://www.example.org/blog/?p=123');

    const atom = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example.com/section/"><title>t</title>
        <entry><title>a</title><link href="a.html"/></entry>
        <entry xml:base="/other/"><title>b</title><link href="b.html"/></entry></feed>`,
      { url: FEED_URL },
    );
    expect(atom.items.map((item) => item.link)).toEqual([
      'https://base.example.com/section/a.html',
      'https://base.example.com/other/b.html',
    ]);
  });

  test('javascript:, data: and vbscript: links are dropped', async () => {
    const feed = await parseFeed(
      rss(`<item><title>JS</title><link>javascript:alert(1)</link></item>
           <item><title>JS tab</title><link>java&#9;script:alert(1)</link></item>
           <item><title>Data</title><link>data:text/html,&lt;b&gt;x</link></item>
           <item><title>VB</title><link>VBScript:msgbox(1)</link></item>
           <item><title>Kept</title><link>https://news.example.com/ok</link></item>`),
      { url: FEED_URL },
    );
    expect(feed.items.map((item) => item.title)).toEqual(['Kept']);
  });

  test('a permalink guid stands in for a missing <link>; an opaque guid does not', async () => {
    const feed = await parseFeed(
      rss(`<item><title>Guid</title><guid>https://news.example.com/by-guid</guid></item>
           <item><title>Opaque</title><guid>12345</guid></item>
           <item><title>Declared</title><guid isPermaLink="true">/declared</guid></item>`),
      { url: FEED_URL },
    );
    expect(feed.items.map((item) => [item.title, item.link, item.guid])).toEqual([
      ['Guid', 'https://news.example.com/by-guid', 'https://news.example.com/by-guid'],
      ['Declared', 'https://news.example.com/declared', '/declared'],
    ]);
  });

  test('guid falls back to the link', async () => {
    const feed = await parseFeed(rss('<item><title>t</title><link>https://news.example.com/x</link></item>'));
    expect(feed.items[0]?.guid).toBe('https://news.example.com/x');
  });
});

describe('parseFeed: text', () => {
  test('entity-encoded titles are decoded once and tags stripped', async () => {
    const feed = await parseFeed(
      rss(`<item><title>AT&amp;amp;T buys T&amp;#8217;s unit</title><link>https://n.example.com/1</link></item>
           <item><title>It&#8217;s  &lt;em&gt;here&lt;/em&gt;
             now</title><link>https://n.example.com/2</link></item>
           <item><title>Caf&eacute; &amp; bar&nbsp;&hellip;</title><link>https://n.example.com/3</link></item>
           <item><title>AT&T &amp; x &lt; y</title><link>https://n.example.com/4</link></item>
           <item><title><![CDATA[Tom & Jerry &amp; more]]></title><link>https://n.example.com/5</link></item>`),
    );
    expect(feed.items.map((item) => item.title)).toEqual([
      'AT&T buys T’s unit',
      'It’s here now',
      'Café & bar …',
      'AT&T & x < y',
      'Tom & Jerry & more',
    ]);
  });

  test('summary is plain text and capped near 500 characters', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const feed = await parseFeed(
      rss(`<item><title>t</title><link>https://n.example.com/1</link>
        <description><![CDATA[<script>alert(1)</script><p>${long}</p>]]></description></item>`),
    );
    const summary = feed.items[0]?.summary ?? '';
    expect(summary.length).toBeLessThanOrEqual(500);
    expect(summary.startsWith('word0 word1')).toBe(true);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary).not.toMatch(/[<>]|alert/);
  });

  test('RSS <author> keeps the name, not the address', async () => {
    const feed = await parseFeed(
      rss(`<item><title>a</title><link>https://n.example.com/1</link><author>jo@example.com (Jo Bloggs)</author></item>
           <item><title>b</title><link>https://n.example.com/2</link><author>jo@example.com</author></item>`),
    );
    expect(feed.items.map((item) => item.author)).toEqual(['Jo Bloggs', undefined]);
  });

  test('common XML mistakes are repaired: HTML entities, bare &, stray <, trailing junk', async () => {
    const feed = await parseFeed(`<rss version="2.0"><channel><title>Fish & Chips &rsquo;n&nbsp;more</title>
      <item><title>x < y</title><link>https://n.example.com/?a=1&b=2</link></item></channel></rss>
      <b>Warning</b>: something in /var/www/feed.php on line 3`);
    expect(feed.title).toBe('Fish & Chips ’n more');
    expect(feed.items[0]).toMatchObject({ title: 'x < y', link: 'https://n.example.com/?a=1&b=2' });
  });

  test('ill-formed markup falls back to a lenient parse', async () => {
    const feed = await parseFeed(
      rss('<item><title>t</title><link>https://n.example.com/1</link><description>Hello<br>world</description></item>'),
    );
    expect(feed.items[0]?.summary).toBe('Hello world');
  });
});

describe('parseFeed: dates', () => {
  test.each([
    ['Wed, 16 Sep 2026 09:40:00 GMT', '2026-09-16T09:40:00.000Z'],
    ['Wed, 16 Sep 2026 09:40:00 +0200', '2026-09-16T07:40:00.000Z'],
    ['Wed, 16 Sep 2026 09:40:00 CEST', '2026-09-16T07:40:00.000Z'],
    ['Wed, 16 Sep 2026 09:40:00', '2026-09-16T09:40:00.000Z'], // no zone: UTC, never server-local
    ['2026-09-16 09:40:00', '2026-09-16T09:40:00.000Z'],
    ['2026-09-16T09:40:00.250-04:00', '2026-09-16T13:40:00.250Z'],
    ['2026-09-16', '2026-09-16T00:00:00.000Z'],
  ])('%s', (input, expected) => {
    expect(toIsoDate(input)).toBe(expected);
  });

  test.each(['not a date', '1', '', 'Someday 12'])('unparseable %j → undefined', (input) => {
    expect(toIsoDate(input)).toBeUndefined();
  });

  test('an unparseable pubDate leaves publishedAt undefined', async () => {
    const feed = await parseFeed(rss('<item><title>t</title><link>https://n.example.com/1</link><pubDate>soon</pubDate></item>'));
    expect(feed.items[0]?.publishedAt).toBeUndefined();
  });
});

describe('parseFeed: bytes and charsets', () => {
  const cp1252Feed = (declaration: string) =>
    Buffer.concat([
      Buffer.from(`${declaration}<rss version="2.0"><channel><title>`, 'latin1'),
      Buffer.from([0x93, 0x51, 0x75, 0x6f, 0x74, 0x65, 0x94, 0x20, 0x80, 0x35]), // “Quote” €5
      Buffer.from('</title></channel></rss>', 'latin1'),
    ]);

  test('windows-1252 bytes decode to smart quotes and the euro sign', async () => {
    const feed = await parseFeed(cp1252Feed('<?xml version="1.0" encoding="windows-1252"?>'));
    expect(feed.title).toBe('“Quote” €5');
  });

  test('ISO-8859-1 is decoded as windows-1252 (as browsers do), not to C1 controls', async () => {
    const feed = await parseFeed(cp1252Feed('<?xml version="1.0" encoding="ISO-8859-1"?>'));
    expect(feed.title).toBe('“Quote” €5');
    expect(feed.title).not.toMatch(/[\u0080-\u009f]/);
  });

  test('ISO-8859-1 declared in the XML prolog', async () => {
    const body = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Caf\xe9 cr\xe8me \xe0 Z\xfcrich</title></channel></rss>',
      'latin1',
    );
    expect((await parseFeed(body)).title).toBe('Café crème à Zürich');
  });

  test('the Content-Type charset wins over the XML declaration', async () => {
    const body = iconv.encode(
      '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Привет</title></channel></rss>',
      'koi8-r',
    );
    expect((await parseFeed(body, { contentType: 'application/rss+xml; charset=KOI8-R' })).title).toBe('Привет');
  });

  test('UTF-16LE with a BOM', async () => {
    const text =
      '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><title>Ünïcødé ✓</title><item><title>i</title><link>https://u.example.com/1</link></item></channel></rss>';
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const feed = await parseFeed(body);
    expect(feed.title).toBe('Ünïcødé ✓');
    expect(feed.items).toHaveLength(1);
  });

  test('UTF-8 with a BOM, and a Uint8Array body', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rss(''), 'utf8')]);
    expect((await parseFeed(new Uint8Array(body))).title).toBe('Example News');
  });

  test('a legacy label on valid UTF-8 bytes is ignored', async () => {
    const body = Buffer.from(
      '<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>Euro €</title></channel></rss>',
      'utf8',
    );
    expect((await parseFeed(body)).title).toBe('Euro €');
  });

  test('NUL and other C0 control characters are stripped after decoding', async () => {
    const feed = await parseFeed(Buffer.from(rss('').replace('Example News', 'Exam\u0000ple\u0007 News\u001b'), 'utf8'));
    expect(feed.title).toBe('Example News');
  });

  test('unknown charset names fall back to UTF-8', () => {
    const body = Buffer.from('<?xml version="1.0" encoding="x-no-such-charset"?><a>é</a>', 'utf8');
    expect(detectCharset(body).charset).toBe('utf-8');
    expect(decodeBody(body)).toContain('é');
    expect(detectCharset(Buffer.from('abc'), 'text/xml; charset=bogus').charset).toBe('utf-8');
  });

  test('decodeBody honours <meta charset> for HTML', () => {
    const html = Buffer.from('<!doctype html><html><head><meta charset="iso-8859-1"><title>Caf\xe9</title>', 'latin1');
    expect(decodeBody(html)).toContain('<title>Café</title>');
  });
});

describe('parseFeed: not feeds and limits', () => {
  test('an HTML page is not a feed', async () => {
    const error = await parseError('<!DOCTYPE html>\n<html lang="en"><head><title>Home</title></head><body></body></html>');
    expect(error.code).toBe('not_a_feed');
    expect(error.message).toBe('not a feed: detected text/html');
    expect((await parseError('  <html><body>hi</body></html>')).message).toBe('not a feed: detected text/html');
  });

  test('other documents are reported with what was detected', async () => {
    expect((await parseError('<?xml version="1.0"?><urlset><url/></urlset>')).message).toMatch(/^not a feed: detected .*urlset/);
    expect((await parseError('{"data": []}')).message).toBe('not a feed: detected application/json');
    expect((await parseError('Service Unavailable')).message).toBe('not a feed: detected text/plain');
    expect((await parseError('')).code).toBe('not_a_feed');
  });

  test('broken documents are malformed', async () => {
    expect((await parseError('{"version": "https://jsonfeed.org/version/1.1", "items": [')).code).toBe('malformed');
    expect((await parseError('<rss version="2.0"><channel><title>unterminated')).code).toBe('malformed');
  });

  test('maxItems caps the items (default 500)', async () => {
    const items = (count: number) =>
      Array.from({ length: count }, (_, i) => `<item><title>${i}</title><link>https://n.example.com/${i}</link></item>`).join('');
    expect((await parseFeed(rss(items(5)), { maxItems: 3 })).items.map((item) => item.title)).toEqual(['0', '1', '2']);
    expect((await parseFeed(rss(items(520)))).items).toHaveLength(500);
  });

  test('a huge description without ">" stays fast', async () => {
    const hostile = '&lt;a'.repeat(200_000);
    const started = Date.now();
    const feed = await parseFeed(
      rss(`<item><title>t</title><link>https://n.example.com/1</link><description>${hostile}</description></item>`),
    );
    expect(feed.items).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
