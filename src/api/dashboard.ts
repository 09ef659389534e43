import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { StageName } from '../types';
import { STAGES } from '../types';
import type { Logger } from '../util/logger';
import { errorBody } from './errors';

/*
 * bull-board at /admin/queues, behind operator-configured authentication.
 *   - No credentials configured: not mounted at all (404). Never open.
 *   - Basic auth (user + password) and/or a bearer token; compared in constant time.
 *   - Read-only by default (bull-board's readOnlyMode on every queue, and this
 *     middleware refuses every non-GET request).
 *   - mode 'read-write': write actions need a CSRF token (double submit: the
 *     XSRF-TOKEN cookie, HMAC-signed with a key derived from the credentials
 *     so every API replica accepts it, echoed in the X-XSRF-TOKEN header, which
 *     bull-board's UI (axios) sends by itself), and a same-origin Origin header
 *     when the browser sends one.
 */

export const DASHBOARD_PATH = '/admin/queues';
const CSRF_COOKIE = 'XSRF-TOKEN';
const CSRF_HEADER = 'x-xsrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface DashboardConfig {
  user: string;
  password: string;
  token: string;
  mode: 'read-only' | 'read-write';
}

export function dashboardEnabled(cfg: DashboardConfig): boolean {
  return Boolean((cfg.user && cfg.password) || cfg.token);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Constant-time equality on digests, so neither content nor length leaks through timing. */
function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function checkCredentials(cfg: DashboardConfig, header: string | undefined): boolean {
  if (!header) return false;
  const space = header.indexOf(' ');
  if (space < 0) return false;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && cfg.token) return safeEqual(value, cfg.token);
  if (scheme === 'basic' && cfg.user && cfg.password) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    // Evaluate both comparisons: no early exit on a wrong user name.
    const userOk = safeEqual(decoded.slice(0, colon), cfg.user);
    const passOk = safeEqual(decoded.slice(colon + 1), cfg.password);
    return userOk && passOk;
  }
  return false;
}

function csrfKey(cfg: DashboardConfig): Buffer {
  return createHash('sha256').update(`storyline-csrf\0${cfg.user}\0${cfg.password}\0${cfg.token}`).digest();
}

export function issueCsrfToken(cfg: DashboardConfig): string {
  const nonce = randomBytes(18).toString('base64url');
  return `${nonce}.${createHmac('sha256', csrfKey(cfg)).update(nonce).digest('base64url')}`;
}

export function validCsrfToken(cfg: DashboardConfig, token: string | undefined): boolean {
  if (!token) return false;
  const [nonce, mac] = token.split('.');
  if (!nonce || !mac) return false;
  return safeEqual(mac, createHmac('sha256', csrfKey(cfg)).update(nonce).digest('base64url'));
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // non-browser clients; the token still has to match
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function dashboardGuard(cfg: DashboardConfig, log?: Logger): RequestHandler {
  const challenge = cfg.user && cfg.password ? 'Basic realm="storyline dashboard", charset="UTF-8"' : 'Bearer realm="storyline dashboard"';
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('cache-control', 'no-store');
    if (!checkCredentials(cfg, req.headers.authorization)) {
      log?.warn({ method: req.method, path: req.originalUrl, ip: req.ip }, 'dashboard: request without valid credentials');
      res.setHeader('www-authenticate', challenge);
      res.status(401).json(errorBody('unauthorized', 'the queue dashboard needs credentials'));
      return;
    }
    if (SAFE_METHODS.has(req.method)) {
      if (cfg.mode === 'read-write' && !validCsrfToken(cfg, cookie(req, CSRF_COOKIE))) {
        const secure = req.secure ? '; Secure' : '';
        res.append('set-cookie', `${CSRF_COOKIE}=${issueCsrfToken(cfg)}; Path=${DASHBOARD_PATH}; SameSite=Strict${secure}`);
      }
      next();
      return;
    }
    if (cfg.mode !== 'read-write') {
      res
        .status(403)
        .json(errorBody('read_only', 'the queue dashboard is read-only (STORYLINE_DASHBOARD_MODE=read-write enables actions)'));
      return;
    }
    const header = req.headers[CSRF_HEADER];
    const token = Array.isArray(header) ? header[0] : header;
    if (!sameOrigin(req) || !token || token !== cookie(req, CSRF_COOKIE) || !validCsrfToken(cfg, token)) {
      log?.warn({ method: req.method, path: req.originalUrl }, 'dashboard: write refused, CSRF check failed');
      res
        .status(403)
        .json(
          errorBody('csrf_failed', `write actions need the ${CSRF_COOKIE} cookie echoed in the X-XSRF-TOKEN header, from the same origin`),
        );
      return;
    }
    log?.info({ method: req.method, path: req.originalUrl }, 'dashboard: write action');
    next();
  };
}

/** Mounts bull-board when credentials are configured; returns whether it did. */
export function mountDashboard(app: Express, queues: Record<StageName, Queue>, cfg: DashboardConfig, log?: Logger): boolean {
  if (!dashboardEnabled(cfg)) return false;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  const readOnlyMode = cfg.mode !== 'read-write';
  createBullBoard({
    queues: STAGES.map((stage) => new BullMQAdapter(queues[stage], { readOnlyMode, allowRetries: !readOnlyMode })),
    // @bull-board/express pins its own patch release of @bull-board/api; the adapter contract is the same.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Storyline queues' } },
  });
  app.use(DASHBOARD_PATH, dashboardGuard(cfg, log), serverAdapter.getRouter() as RequestHandler);
  return true;
}
