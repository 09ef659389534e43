import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks verification written from the spec with node:crypto, on
 * purpose independent of the `standardwebhooks` package the sender uses:
 * HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the
 * base64 part of the `whsec_` secret; `webhook-signature` is a space-separated
 * list of `v1,<base64>`; the timestamp must be within `toleranceSec` of now.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  opts: { nowSec?: number; toleranceSec?: number } = {},
): boolean {
  const id = String(headers['webhook-id'] ?? '');
  const ts = String(headers['webhook-timestamp'] ?? '');
  const sigs = String(headers['webhook-signature'] ?? '');
  if (!id || !/^\d+$/.test(ts) || !sigs) return false;
  const now = opts.nowSec ?? Math.floor(Date.now() / 1000);
  if (opts.toleranceSec !== undefined && Math.abs(now - Number(ts)) > opts.toleranceSec) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  return sigs.split(' ').some((part) => {
    const [version, sig] = part.split(',');
    const got = Buffer.from(sig ?? '', 'base64');
    return version === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  });
}
