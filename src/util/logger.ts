import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * One pino root logger per process. Stage loggers are children carrying
 * `queue`, `jobId`, `articleId`, `feedId`, `storyId` so every line can be
 * joined to the record it is about. Secrets are redacted by path.
 */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { pid: process.pid, ...bindings },
    redact: {
      paths: ['password', '*.password', 'redisUrl', '*.redisUrl', 'secret', '*.secret', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}

/** Hides the password of a redis:// URL for log lines and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
