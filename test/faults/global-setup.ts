import { REDIS_INSTALL_HINT, redisServerAvailable } from '../../src/util/redis-server';
import { ensureBuilt } from '../helpers/cli';

/**
 * Builds the compiled CLI the worker processes run (dist/) once for the whole
 * suite, and fixes one seed for every case (STORYLINE_FAULTS_SEED, or a fresh
 * one), printed so that a failing run can be repeated.
 */
export default function globalSetup(): void {
  if (!redisServerAvailable()) throw new Error(REDIS_INSTALL_HINT);
  ensureBuilt();
  process.env.STORYLINE_FAULTS_SEED ||= String(Math.floor(Math.random() * 2 ** 31));
  const size = process.env.STORYLINE_FAULTS_ARTICLES || '330 (small; STORYLINE_FAULTS_ARTICLES=2000 for the full size)';
  process.stderr.write(`\n[faults] seed ${process.env.STORYLINE_FAULTS_SEED} (STORYLINE_FAULTS_SEED), articles per case ${size}\n`);
}
