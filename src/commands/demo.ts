import type { Command } from 'commander';
import { runDemo } from '../demo/run';

/** `storyline demo`: the whole pipeline on the bundled offline feeds. */
export function register(program: Command): void {
  program
    .command('demo')
    .description('run every stage on the bundled offline demo feeds and print the stories')
    .option('--json <file>', 'write the stories as JSON to this file')
    .option('--timeout <ms>', 'give up after this long', (v) => Number(v), 80_000)
    .action(async (opts: { json?: string; timeout: number }) => {
      await runDemo({ jsonFile: opts.json, timeoutMs: opts.timeout, print: true });
    });
}
