#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '../config';
import { register as registerApi } from './commands/api';
import { register as registerAudit } from './commands/audit';
import { register as registerConsume } from './commands/consume';
import { register as registerDemo } from './commands/demo';
import { register as registerFailed } from './commands/failed';
import { register as registerFeeds } from './commands/feeds';
import { register as registerWorker } from './commands/worker';

const program = new Command();
program.name('storyline').description('News ingestion and enrichment pipeline on BullMQ and Redis').showHelpAfterError();
// One module per command group in src/commands/.
for (const register of [registerDemo, registerWorker, registerApi, registerFeeds, registerFailed, registerConsume, registerAudit])
  register(program);

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (err: unknown) => {
    // A bad setting is one line naming the field; anything else keeps its message.
    const msg = err instanceof ConfigError ? err.message : `storyline: ${(err as Error).message ?? String(err)}`;
    process.stderr.write(msg + '\n');
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
