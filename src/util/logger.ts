import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One pino root logger per process. Stage loggers are children carrying
 * `queue`, `jobId`, `articleId`, `feedId`, `storyId` so every line can be
 * joined to the record it is about. Secrets are redacted by path.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { pid: process.pid, ...bindings },
    redact: { paths: REDACT_PATHS, censor },
  };
  return destination ? pino(options, destination) : pino(options);
}

/*
 * Secrets never reach a log line: Redis passwords (in URLs), webhook secrets,
 * dashboard credentials and tokens, authorization headers and cookies.
 * Fields holding a URL keep the URL but lose any password in it; every other
 * listed field is replaced whole.
 */
const SECRET_FIELDS = [
  'password',
  'secret',
  'secrets',
  'webhookSecret',
  'signingSecret',
  'token',
  'bearerToken',
  'apiKey',
  'authorization',
  'cookie',
  'set-cookie',
  'x-xsrf-token',
];
const URL_FIELDS = ['url', 'redisUrl', 'REDIS_URL', 'href', 'target'];
export const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`].map((p) => (/^[\w.*]+$/.test(p) ? p : p.replace(f, `["${f}"]`)))),
  ...URL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
];

function censor(value: unknown, path: string[]): unknown {
  const field = path[path.length - 1];
  if (URL_FIELDS.includes(field)) return typeof value === 'string' ? redactUrl(value, false) : value;
  return '[redacted]';
}

/** Hides the password of a redis:// URL for log lines and error messages. */
export function redactUrl(url: string, strict = true): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return strict ? '[unparseable url]' : url.replace(/\/\/([^/@:\s]*):[^/@\s]*@/, '//$1:***@');
  }
}
