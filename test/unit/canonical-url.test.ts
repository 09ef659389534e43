import { articleIdFor, canonicalizeUrl } from '../../src/feeds/canonical-url';

describe('canonicalizeUrl', () => {
  test.each([
    ['HTTPS://News.Example.COM/Path/Story', 'https://news.example.com/Path/Story'],
    ['https://example.com:443/a', 'https://example.com/a'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['http://example.com:8080/a', 'http://example.com:8080/a'],
    ['https://example.com/a#comments', 'https://example.com/a'],
    ['https://example.com/a?', 'https://example.com/a'],
    ['https://example.com/a/', 'https://example.com/a/'],
    ['https://example.com', 'https://example.com/'],
    ['https://user:secret@example.com/a', 'https://example.com/a'],
    ['https://example.com./a', 'https://example.com/a'],
    ['https://bücher.example/a', 'https://xn--bcher-kva.example/a'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected);
  });

  test('strips tracking parameters', () => {
    expect(
      canonicalizeUrl(
        'https://example.com/story?utm_source=tw&UTM_Medium=social&fbclid=x&gclid=y&dclid=z&msclkid=m&mc_cid=1&mc_eid=2&igshid=i&yclid=ya&_hsenc=h&_hsmi=hm&ref_src=twsrc&id=42',
      ),
    ).toBe('https://example.com/story?id=42');
    expect(canonicalizeUrl('https://example.com/story?utm_campaign=x')).toBe('https://example.com/story');
  });

  test('sorts the remaining parameters and keeps their encoding byte for byte', () => {
    expect(canonicalizeUrl('https://example.com/s?b=2&a=1&c=%20x+y')).toBe('https://example.com/s?a=1&b=2&c=%20x+y');
    // Repeated names keep their order: it can matter to the server.
    expect(canonicalizeUrl('https://example.com/s?z=1&a=2&a=1')).toBe('https://example.com/s?a=2&a=1&z=1');
    expect(canonicalizeUrl('https://example.com/s?&&a=1&')).toBe('https://example.com/s?a=1');
  });

  test('keeps the path as written', () => {
    expect(canonicalizeUrl('https://example.com/News/2026/Story.HTML')).toBe('https://example.com/News/2026/Story.HTML');
    expect(canonicalizeUrl('https://example.com/a%2Fb/c')).toBe('https://example.com/a%2Fb/c');
  });

  test('resolves relative URLs against a base', () => {
    expect(canonicalizeUrl('../b?utm_source=x', 'https://example.com/a/c/feed.xml')).toBe('https://example.com/a/b');
    expect(canonicalizeUrl('//cdn.example.com/x', 'https://example.com/')).toBe('https://cdn.example.com/x');
  });

  test('the same story through different links has one canonical form', () => {
    const variants = [
      'https://Example.com/story?id=7&utm_source=newsletter',
      'https://example.com:443/story?fbclid=abc&id=7#top',
      'https://example.com/story?id=7',
    ];
    expect(new Set(variants.map((url) => canonicalizeUrl(url))).size).toBe(1);
  });

  test.each(['javascript:alert(1)', 'data:text/html,x', 'mailto:a@example.com', 'ftp://example.com/x', 'not a url', '/relative'])(
    'rejects %s',
    (input) => {
      expect(() => canonicalizeUrl(input)).toThrow(/canonicalizeUrl/);
    },
  );
});

describe('articleIdFor', () => {
  test('is "a" + 20 hex chars of SHA-256, stable', () => {
    const id = articleIdFor('https://example.com/story?id=7');
    expect(id).toMatch(/^a[0-9a-f]{20}$/);
    expect(articleIdFor('https://example.com/story?id=7')).toBe(id);
    // sha256("https://example.com/") starts with 0f115db062b7c0dd030b16878c99dea5c354b49dc37b38eb8846179c7783e9d7
    expect(articleIdFor('https://example.com/')).toBe('a0f115db062b7c0dd030b');
  });

  test('differs between URLs and is never integer-like', () => {
    expect(articleIdFor('https://example.com/a')).not.toBe(articleIdFor('https://example.com/b'));
    for (let i = 0; i < 50; i += 1) {
      expect(Number.isNaN(Number(articleIdFor(`https://example.com/${i}`)))).toBe(true);
    }
  });
});
