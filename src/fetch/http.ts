import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable, Transform } from 'node:stream';
import { Agent, request } from 'undici';
import type { FetchFacts } from '../types';
import { BlockedAddressError, checkLiteralHost, createAddressPolicy, guardedLookup, type AddressPolicy } from './ssrf';

/*
 * HTTP client for feeds and pages, on undici (Node's own HTTP engine, with
 * connect/header/body timeouts built in). Redirects are followed by hand so
 * that every hop passes the scheme check and the SSRF guard.
 */

export interface FetchLimits {
  userAgent: string;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
  allowedContentTypes: string[];
  allowPrivateCidrs: string[];
}

export type FetchErrorCode =
  'blocked' | 'bad_scheme' | 'timeout' | 'too_large' | 'too_many_redirects' | 'bad_content_type' | 'http_status' | 'network';

export class FetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    /** False when retrying cannot help (blocked, 404, wrong type …): the job fails at once. */
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface FetchResult {
  status: number;
  url: string;
  finalUrl: string;
  redirects: number;
  headers: Record<string, string>;
  contentType?: string;
  body: Buffer;
  /** Bytes after decompression. */
  bytes: number;
  totalMs: number;
  notModified: boolean;
}

/** What the fetch stage records about a page fetch (the body is stored apart). */
export function fetchFacts(res: FetchResult, fetchedAt = new Date()): FetchFacts {
  return {
    status: res.status,
    finalUrl: res.finalUrl,
    bytes: res.bytes,
    contentType: res.contentType,
    redirects: res.redirects,
    fetchedAt: fetchedAt.toISOString(),
    timings: { totalMs: Math.round(res.totalMs) },
  };
}

export interface HttpClient {
  fetch(url: string, opts?: { headers?: Record<string, string>; accept?: string }): Promise<FetchResult>;
  close(): Promise<void>;
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function decompressor(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/** Reads a body, decompressing as it goes, and stops as soon as the decoded size passes the cap. */
async function readCapped(body: Readable, encoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const decode = decompressor(encoding);
  const source: Readable = decode ? body.pipe(decode) : body;
  if (decode) body.on('error', (err) => decode.destroy(err));
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw new FetchError('too_large', `body exceeds ${maxBytes} bytes`, false);
      chunks.push(chunk as Buffer);
    }
  } finally {
    body.destroy();
    decode?.destroy();
  }
  return Buffer.concat(chunks);
}

function isAllowedType(contentType: string | undefined, allowed: string[]): boolean {
  if (!contentType) return true; // Many servers omit it; the parsers sniff the bytes.
  const mime = contentType.split(';')[0].trim().toLowerCase();
  return allowed.includes(mime);
}

export function createHttpClient(limits: FetchLimits): HttpClient {
  const policy: AddressPolicy = createAddressPolicy(limits.allowPrivateCidrs);
  const agent = new Agent({
    connect: { timeout: limits.connectTimeoutMs, lookup: guardedLookup(policy) },
    headersTimeout: limits.timeoutMs,
    bodyTimeout: limits.timeoutMs,
    connections: 64,
  });

  async function fetchOnce(url: URL, headers: Record<string, string>, signal: AbortSignal) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FetchError('bad_scheme', `refused scheme ${url.protocol} (${url.href})`, false);
    }
    checkLiteralHost(url.hostname, policy);
    return request(url, { method: 'GET', headers, dispatcher: agent, signal });
  }

  return {
    async fetch(rawUrl, opts = {}) {
      const started = performance.now();
      const signal = AbortSignal.timeout(limits.timeoutMs);
      const headers: Record<string, string> = {
        'user-agent': limits.userAgent,
        accept: opts.accept ?? 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
        'accept-encoding': 'gzip, deflate, br',
        ...opts.headers,
      };
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch {
        throw new FetchError('bad_scheme', `not a URL: ${rawUrl}`, false);
      }
      try {
        for (let redirects = 0; ; redirects++) {
          const res = await fetchOnce(url, headers, signal);
          const location = headerValue(res.headers.location);
          if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304 && location) {
            await res.body.dump();
            if (redirects >= limits.maxRedirects) {
              throw new FetchError('too_many_redirects', `more than ${limits.maxRedirects} redirects`, false);
            }
            url = new URL(location, url);
            continue;
          }
          const flatHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flatHeaders[k] = String(headerValue(v));
          const contentType = flatHeaders['content-type'];
          if (res.statusCode === 304) {
            await res.body.dump();
            return {
              status: 304,
              url: rawUrl,
              finalUrl: url.href,
              redirects,
              headers: flatHeaders,
              contentType,
              body: Buffer.alloc(0),
              bytes: 0,
              totalMs: performance.now() - started,
              notModified: true,
            };
          }
          if (res.statusCode >= 400) {
            await res.body.dump();
            const retryAfterMs = parseRetryAfter(flatHeaders['retry-after']);
            // 408, 425, 429 and 5xx may pass; other 4xx will not.
            const retryable = res.statusCode >= 500 || [408, 425, 429].includes(res.statusCode);
            throw new FetchError('http_status', `HTTP ${res.statusCode} for ${url.href}`, retryable, res.statusCode, retryAfterMs);
          }
          if (!isAllowedType(contentType, limits.allowedContentTypes)) {
            await res.body.dump();
            throw new FetchError('bad_content_type', `content type ${contentType} is not allowed`, false, res.statusCode);
          }
          const declared = Number(flatHeaders['content-length']);
          if (Number.isFinite(declared) && declared > limits.maxBodyBytes && !flatHeaders['content-encoding']) {
            await res.body.destroy();
            throw new FetchError('too_large', `content-length ${declared} exceeds ${limits.maxBodyBytes} bytes`, false);
          }
          const body = await readCapped(res.body, flatHeaders['content-encoding'], limits.maxBodyBytes);
          return {
            status: res.statusCode,
            url: rawUrl,
            finalUrl: url.href,
            redirects,
            headers: flatHeaders,
            contentType,
            body,
            bytes: body.length,
            totalMs: performance.now() - started,
            notModified: false,
          };
        }
      } catch (err) {
        throw classify(err, url.href, limits.timeoutMs);
      }
    },
    close: () => agent.close(),
  };
}

function classify(err: unknown, url: string, timeoutMs: number): FetchError {
  if (err instanceof FetchError) return err;
  if (err instanceof BlockedAddressError) return new FetchError('blocked', err.message, false);
  const e = err as { name?: string; code?: string; message?: string; cause?: unknown };
  if (e.cause instanceof BlockedAddressError) return new FetchError('blocked', e.cause.message, false);
  const timedOut =
    e.name === 'TimeoutError' ||
    e.code === 'UND_ERR_CONNECT_TIMEOUT' ||
    e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e.code === 'UND_ERR_BODY_TIMEOUT';
  if (timedOut) return new FetchError('timeout', `timed out after ${timeoutMs} ms fetching ${url}`, true);
  return new FetchError('network', `${e.code ?? e.name ?? 'error'}: ${e.message ?? String(err)} (${url})`, true);
}
