import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, type StorylineConfig } from '../../config';
import type { StageName } from '../types';
import { STAGES } from '../types';
import type { Logger } from '../util/logger';

/** Parses `--stages a,b` (or `all`) into stage names, refusing unknown ones. */
export function parseStages(value: string): StageName[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 1 && list[0] === 'all') return [...STAGES];
  for (const s of list) {
    if (!STAGES.includes(s as StageName)) throw new InvalidArgumentError(`unknown stage "${s}" (stages: ${STAGES.join(', ')}, or all)`);
  }
  return [...new Set(list)] as StageName[];
}

export function config(): StorylineConfig {
  return loadConfig();
}

/** Resolves on the first SIGINT/SIGTERM; a second signal exits at once. */
export function shutdownSignal(log: Logger): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (sig: string) => {
      log.info({ signal: sig }, 'shutting down: finishing jobs in flight');
      process.once(sig as NodeJS.Signals, () => process.exit(130));
      resolve(sig);
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });
}

export type { Command };
