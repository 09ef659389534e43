import type { Command } from 'commander';
import { openRuntime } from '../../workers/runtime';
import { startApi } from '../api/server';
import { createLogger } from '../util/logger';
import { config, shutdownSignal } from './common';

/** `storyline api`: health checks and the stories API. */
export function register(program: Command): void {
  program
    .command('api')
    .description('serve health checks and the stories API')
    .action(async () => {
      const cfg = config();
      const log = createLogger(cfg.log.level, { role: 'api' });
      const rt = await openRuntime(cfg, log);
      const api = await startApi(rt, { host: cfg.api.host, port: cfg.api.port });
      log.info({ url: api.url }, 'api listening');
      await shutdownSignal(log);
      await api.close();
      await rt.close();
    });
}
