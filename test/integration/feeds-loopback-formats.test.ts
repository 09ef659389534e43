import iconv from 'iconv-lite';
import { parseFeed } from '../../src/feeds/parse';
import { createHttpClient, FetchError, type FetchLimits } from '../../src/fetch/http';
import { FEED_ACCEPT } from '../../workers/feeds';
import { startTestServer, type TestServer } from '../helpers/http';

/*
 * Every format and charset served over a real loopback HTTP server, fetched
 * with the production client and parsed as the feeds worker does; plus the
 * SSRF guard on names, literals, IPv6 forms and redirect hops.
 */

const limits: FetchLimits = {
  userAgent: 'StorylineTest/1',
  connectTimeoutMs: 1000,
  timeoutMs: 3000,
  maxBodyBytes: 1024 * 1024,
  maxRedirects: 3,
  allowedContentTypes: [
    'application/rss+xml',
    'application/rdf+xml',
    'application/atom+xml',
    'application/xml',
    'text/xml',
    'application/feed+json',
    'application/json',
  ],
  allowPrivateCidrs: ['127.0.0.1/32'],
};

const docs = new Map<string, { type: string; body: Buffer | string }>();
let server: TestServer;
let redirectTarget = '';

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: redirectTarget });
      return res.end();
    }
    const doc = docs.get(req.url ?? '');
    if (!doc) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': doc.type });
    res.end(doc.body);
  });
});

afterAll(async () => {
  await server.close();
});

async function fetchAndParse(path: string, type: string, body: Buffer | string) {
  docs.set(path, { type, body });
  const http = createHttpClient(limits);
  try {
    const res = await http.fetch(`${server.url}${path}`, { accept: FEED_ACCEPT });
    return await parseFeed(res.body, { contentType: res.contentType, url: res.finalUrl });
  } finally {
    await http.close();
  }
}

const rssWith = (title: string, encoding: string) =>
  `<?xml version="1.0" encoding="${encoding}"?><rss version="2.0"><channel><title>${title}</title>` +
  `<item><title>${title}</title><link>https://news.example/a</link></item></channel></rss>`;

describe('charsets over HTTP: BOM, then Content-Type, then the XML declaration', () => {
  const samples: Array<[string, string]> = [
    ['windows-1252', 'Café – “quoted” € ‰'],
    ['iso-8859-2', 'Łódź, Kraków, Gdańsk'],
    ['iso-8859-7', 'Ειδήσεις'],
    ['koi8-r', 'Новости дня'],
    ['windows-1251', 'Новости дня'],
    ['gb2312', '今日新闻'],
    ['gbk', '今日新闻'],
    ['gb18030', '今日新闻 𠀀'],
    ['big5', '今日新聞'],
    ['shift_jis', '今日のニュース'],
    ['euc-jp', '今日のニュース'],
    ['euc-kr', '오늘의 뉴스'],
  ];

  test.each(samples)('%s from the Content-Type charset (the XML declaration lies)', async (charset, text) => {
    const feed = await fetchAndParse(
      `/ct-${charset}`,
      `application/rss+xml; charset=${charset}`,
      iconv.encode(rssWith(text, 'utf-8'), charset),
    );
    expect(feed.items[0]!.title).toBe(text);
  });

  test.each(samples)('%s from the XML declaration', async (charset, text) => {
    const feed = await fetchAndParse(`/decl-${charset}`, 'application/rss+xml', iconv.encode(rssWith(text, charset), charset));
    expect(feed.title).toBe(text);
  });

  test.each(['utf-16le', 'utf-16be', 'utf-32le', 'utf-32be'])('%s with a BOM beats a wrong Content-Type charset', async (charset) => {
    const text = 'Zürich — 東京 — Москва';
    const body = iconv.encode(rssWith(text, 'utf-8'), charset, { addBOM: true });
    const feed = await fetchAndParse(`/bom-${charset}`, 'application/rss+xml; charset=iso-8859-1', body);
    expect(feed.items[0]!.title).toBe(text);
  });

  test('iso-8859-1 is read as windows-1252, as browsers do (0x80-0x9F are € “ ” …, not C1 controls)', async () => {
    const text = 'Café “déjà” € ‰';
    const feed = await fetchAndParse(
      '/latin1',
      'application/rss+xml; charset=iso-8859-1',
      iconv.encode(rssWith(text, 'iso-8859-1'), 'windows-1252'),
    );
    expect(feed.items[0]!.title).toBe(text);
  });

  test('invalid bytes become U+FFFD, NUL and control characters are removed', async () => {
    const body = Buffer.concat([
      Buffer.from('<rss version="2.0"><channel><item><title>Caf\u00e9 na\u00efve \u00fcber '),
      Buffer.from([0xff, 0x00, 0x07]),
      Buffer.from(' ok</title><link>https://news.example/a</link></item></channel></rss>'),
    ]);
    const feed = await fetchAndParse('/bad-bytes', 'application/rss+xml; charset=utf-8', body);
    expect(feed.items[0]!.title).toBe('Café naïve über \uFFFD ok');
  });
});

describe('formats over HTTP map to one item model', () => {
  const link = 'https://news.example/story';
  const cases: Array<[string, string, string, string]> = [
    [
      'RSS 0.91',
      'application/rss+xml',
      'rss',
      `<rss version="0.91"><channel><title>F</title><item><title>T &amp; U</title><link>${link}</link><description>D</description></item></channel></rss>`,
    ],
    [
      'RSS 0.92',
      'application/rss+xml',
      'rss',
      `<rss version="0.92"><channel><title>F</title><item><title>T &amp; U</title><link>${link}</link></item></channel></rss>`,
    ],
    [
      'RSS 2.0 without version',
      'application/rss+xml',
      'rss',
      `<rss><channel><title>F</title><item><title>T &amp; U</title><link>${link}</link><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate></item></channel></rss>`,
    ],
    [
      'RSS 2.0 with content:encoded, Media RSS and dc:date',
      'application/rss+xml',
      'rss',
      `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>F</title><item><title>T &amp;amp; U</title><link>${link}</link><dc:date>2025-06-10T04:00:00Z</dc:date><content:encoded><![CDATA[<p>Body</p>]]></content:encoded><media:content url="https://news.example/i.jpg" medium="image"/></item></channel></rss>`,
    ],
    [
      'RSS 1.0 (RDF)',
      'application/rdf+xml',
      'rdf',
      `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://news.example/"><title>F</title></channel><item rdf:about="${link}"><title>T &amp; U</title><link>${link}</link><dc:date>2025-06-10T04:00:00Z</dc:date></item></rdf:RDF>`,
    ],
    [
      'Atom 0.3',
      'application/atom+xml',
      'atom',
      `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>F</title><entry><title>T &amp; U</title><link rel="alternate" type="text/html" href="${link}"/><issued>2025-06-10T04:00:00Z</issued><id>x</id></entry></feed>`,
    ],
    [
      'Atom 1.0 with xml:base',
      'application/atom+xml',
      'atom',
      `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/"><title>F</title><entry><title type="html">T &amp;amp; U</title><link href="story"/><id>x</id><updated>2025-06-10T04:00:00Z</updated></entry></feed>`,
    ],
    [
      'JSON Feed 1.0',
      'application/json',
      'json',
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1',
        title: 'F',
        items: [{ id: '1', url: link, title: 'T &amp; U', date_published: '2025-06-10T04:00:00Z' }],
      }),
    ],
    [
      'JSON Feed 1.1',
      'application/feed+json',
      'json',
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'F',
        items: [{ id: '1', url: link, title: 'T & U', date_published: '2025-06-10T04:00:00+00:00' }],
      }),
    ],
  ];

  test.each(cases)('%s', async (name, type, format, body) => {
    const feed = await fetchAndParse(`/format-${name.replace(/\W+/g, '-')}`, type, body);
    expect(feed.format).toBe(format);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({ link, title: 'T & U' });
    if (!name.startsWith('RSS 0.9')) expect(feed.items[0]!.publishedAt).toBe('2025-06-10T04:00:00.000Z');
  });
});

describe('SSRF guard', () => {
  async function blocked(url: string, allow: string[] = []): Promise<FetchError> {
    const http = createHttpClient({ ...limits, allowPrivateCidrs: allow });
    try {
      await http.fetch(url);
    } catch (err) {
      expect(err).toBeInstanceOf(FetchError);
      return err as FetchError;
    } finally {
      await http.close();
    }
    throw new Error(`expected ${url} to be refused`);
  }

  test('a DNS name resolving to 127.0.0.1 is refused at connect time without the allowlist', async () => {
    expect((await blocked(`http://localhost:${server.port}/x`)).code).toBe('blocked');
  });

  test.each([
    'http://127.0.0.2/',
    'http://0177.0.0.2/', // octal
    'http://0x7f.2/', // hex, short form
    'http://2130706434/', // decimal
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/', // CGNAT
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.2]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/', // mapped 169.254.169.254, hex form
    'http://[64:ff9b::a00:1]/', // NAT64 of 10.0.0.1
    'http://[2002:c0a8:101::1]/', // 6to4 of 192.168.1.1
    'http://[fe80::1]/',
    'http://[fd00::1]/',
    'http://[ff02::1]/',
  ])('%s is refused (only 127.0.0.1 is allowed)', async (url) => {
    expect((await blocked(url, ['127.0.0.1/32'])).code).toBe('blocked');
  });

  test.each(['http://127.0.0.2:1/', 'http://10.0.0.1/', 'http://[::1]:1/', 'http://[::ffff:192.168.0.1]/', 'http://0x7f000002/'])(
    'a redirect from an allowed origin to %s is refused on that hop',
    async (target) => {
      redirectTarget = target;
      const err = await blocked(`${server.url}/redirect`, ['127.0.0.1/32']);
      expect(err.code).toBe('blocked');
    },
  );

  test('non-http schemes are refused, also as redirect targets', async () => {
    expect((await blocked('file:///etc/passwd', ['127.0.0.1/32'])).code).toBe('bad_scheme');
    expect((await blocked('gopher://127.0.0.1:6379/_INFO', ['127.0.0.1/32'])).code).toBe('bad_scheme');
    redirectTarget = 'file:///etc/passwd';
    expect((await blocked(`${server.url}/redirect`, ['127.0.0.1/32'])).code).toBe('bad_scheme');
  });
});
