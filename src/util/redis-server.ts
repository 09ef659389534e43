import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServerHandle {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
  /**
   * Stops the server (SIGTERM, or SIGKILL with `hard`) and starts it again on
   * the same port and data directory: with AOF on, it reloads what it had.
   */
  restart(opts?: { hard?: boolean; downMs?: number }): Promise<void>;
}

/** Asks the kernel for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function redisServerAvailable(bin = 'redis-server'): boolean {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

export const REDIS_INSTALL_HINT =
  'redis-server was not found. Install it (Debian/Ubuntu: `sudo apt-get install -y redis-server`, macOS: `brew install redis`), ' +
  'or run `docker compose up -d redis` and set REDIS_URL=redis://127.0.0.1:6379.';

/**
 * One PING over a plain socket: true when a Redis that needs no password
 * answers. (A failed ioredis connect leaves timers behind for seconds.)
 */
export function redisAnswers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const sock = net.connect(port, host);
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (buf) => done(buf.toString().startsWith('+PONG')));
    sock.once('error', () => done(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await redisAnswers('127.0.0.1', port);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a private redis-server on a free loopback port in a temporary
 * directory (no persistence). Used by tests and by the demo when no Redis is
 * reachable.
 */
export async function startRedisServer(opts: { bin?: string; appendonly?: boolean } = {}): Promise<RedisServerHandle> {
  const bin = opts.bin ?? 'redis-server';
  if (!redisServerAvailable(bin)) throw new Error(REDIS_INSTALL_HINT);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'storyline-redis-'));
  const port = await freePort();
  const spawnServer = () => {
    const c = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        opts.appendonly ? 'yes' : 'no',
        // Every write reaches the AOF before the reply: a restart loses nothing a client was told succeeded.
        '--appendfsync',
        opts.appendonly ? 'always' : 'everysec',
        '--maxmemory-policy',
        'noeviction',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore', detached: false },
    );
    c.unref();
    return c;
  };
  const kill = (c: ReturnType<typeof spawn>, signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      // The child is unref'd while running; hold the event loop until it has exited.
      c.ref();
      c.once('exit', () => resolve());
      c.kill(signal);
      setTimeout(() => c.kill('SIGKILL'), 3000).unref();
    });
  let child = spawnServer();
  await waitForPort(port, 10_000);
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async restart({ hard = false, downMs = 0 } = {}) {
      if (stopped) throw new Error('redis-server was stopped');
      await kill(child, hard ? 'SIGKILL' : 'SIGTERM');
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      child = spawnServer();
      await waitForPort(port, 10_000);
    },
  };
}
