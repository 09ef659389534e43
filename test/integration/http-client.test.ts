import { gzipSync } from 'node:zlib';
import { createHttpClient, FetchError, type FetchLimits } from '../../src/fetch/http';
import { startTestServer, type TestServer } from '../helpers/http';

const limits: FetchLimits = {
  userAgent: 'StorylineTest/1',
  connectTimeoutMs: 1000,
  timeoutMs: 1500,
  maxBodyBytes: 64 * 1024,
  maxRedirects: 2,
  allowedContentTypes: ['text/html', 'application/rss+xml'],
  allowPrivateCidrs: ['127.0.0.0/8'],
};

let server: TestServer;
let seenUserAgent: string | undefined;

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    seenUserAgent = req.headers['user-agent'];
    const url = req.url ?? '/';
    if (url === '/ok') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end('<html><body>hello</body></html>');
    }
    if (url.startsWith('/redirect/')) {
      const n = Number(url.split('/')[2]);
      res.writeHead(302, { location: n > 0 ? `/redirect/${n - 1}` : '/ok' });
      return res.end();
    }
    if (url === '/big') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('x'.repeat(200 * 1024));
    }
    if (url === '/gzip-bomb') {
      // 64 KiB cap, 10 MiB once inflated: must stop while streaming.
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      return res.end(gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x61)));
    }
    if (url === '/gzip-ok') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      return res.end(gzipSync('<p>compressed</p>'));
    }
    if (url === '/slow') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<p>');
      return; // never ends: the body timeout must fire
    }
    if (url === '/missing') {
      res.writeHead(404, { 'content-type': 'text/html' });
      return res.end('nope');
    }
    if (url === '/busy') {
      res.writeHead(503, { 'retry-after': '7' });
      return res.end();
    }
    if (url === '/pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      return res.end('%PDF-1.4');
    }
    if (url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      return res.end();
    }
    res.writeHead(404);
    res.end();
  });
});

afterAll(async () => {
  await server.close();
});

async function failure(p: Promise<unknown>): Promise<FetchError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FetchError);
    return err as FetchError;
  }
  throw new Error('expected the fetch to fail');
}

test('fetches a page with the configured user agent', async () => {
  const http = createHttpClient(limits);
  const res = await http.fetch(`${server.url}/ok`);
  expect(res.status).toBe(200);
  expect(res.body.toString()).toContain('hello');
  expect(seenUserAgent).toBe('StorylineTest/1');
  await http.close();
});

test('follows redirects up to the cap and reports the final URL', async () => {
  const http = createHttpClient(limits);
  const res = await http.fetch(`${server.url}/redirect/1`);
  expect(res.finalUrl).toBe(`${server.url}/ok`);
  expect(res.redirects).toBe(2);
  const err = await failure(http.fetch(`${server.url}/redirect/5`));
  expect(err.code).toBe('too_many_redirects');
  await http.close();
});

test('caps the body size, decompressed size included', async () => {
  const http = createHttpClient(limits);
  expect((await failure(http.fetch(`${server.url}/big`))).code).toBe('too_large');
  expect((await failure(http.fetch(`${server.url}/gzip-bomb`))).code).toBe('too_large');
  expect((await http.fetch(`${server.url}/gzip-ok`)).body.toString()).toBe('<p>compressed</p>');
  await http.close();
});

test('times out a server that never finishes the body', async () => {
  const http = createHttpClient(limits);
  const started = Date.now();
  const err = await failure(http.fetch(`${server.url}/slow`));
  expect(err.code).toBe('timeout');
  expect(err.retryable).toBe(true);
  expect(Date.now() - started).toBeLessThan(5000);
  await http.close();
});

test('classifies HTTP errors: 404 is final, 503 retryable with Retry-After', async () => {
  const http = createHttpClient(limits);
  const notFound = await failure(http.fetch(`${server.url}/missing`));
  expect([notFound.code, notFound.status, notFound.retryable]).toEqual(['http_status', 404, false]);
  const busy = await failure(http.fetch(`${server.url}/busy`));
  expect([busy.status, busy.retryable, busy.retryAfterMs]).toEqual([503, true, 7000]);
  await http.close();
});

test('refuses content types outside the allowlist', async () => {
  const http = createHttpClient(limits);
  expect((await failure(http.fetch(`${server.url}/pdf`))).code).toBe('bad_content_type');
  await http.close();
});

test('SSRF guard: loopback refused without the allowlist, by name and by literal', async () => {
  const http = createHttpClient({ ...limits, allowPrivateCidrs: [] });
  expect((await failure(http.fetch(`${server.url}/ok`))).code).toBe('blocked');
  expect((await failure(http.fetch(`http://localhost:${server.port}/ok`))).code).toBe('blocked');
  // WHATWG URL parsing turns decimal/hex IPv4 literals into dotted form; both are refused.
  expect((await failure(http.fetch(`http://2130706433:${server.port}/ok`))).code).toBe('blocked');
  expect((await failure(http.fetch(`http://0x7f.0.0.1:${server.port}/ok`))).code).toBe('blocked');
  expect((await failure(http.fetch(`http://[::ffff:127.0.0.1]:${server.port}/ok`))).code).toBe('blocked');
  await http.close();
});

test('SSRF guard applies on every redirect hop', async () => {
  const http = createHttpClient(limits);
  const err = await failure(http.fetch(`${server.url}/to-metadata`));
  expect(err.code).toBe('blocked');
  expect(err.message).toContain('169.254.169.254');
  await http.close();
});

test('refuses non-http schemes', async () => {
  const http = createHttpClient(limits);
  expect((await failure(http.fetch('file:///etc/passwd'))).code).toBe('bad_scheme');
  expect((await failure(http.fetch('javascript:alert(1)'))).code).toBe('bad_scheme');
  await http.close();
});
