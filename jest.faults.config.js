/**
 * The fault suite (`npm run test:faults`, docs/faults.md): real worker
 * processes against a loopback origin, with workers killed, Redis restarted
 * and the origin misbehaving. Kept out of `npm test` (jest.config.js ignores
 * test/faults). Each case starts its own redis-server; the global setup only
 * builds the CLI the worker processes run.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file reusing the default one
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/faults/global-setup.ts',
  globalTeardown: undefined,
  // One case at a time: each runs several processes and a redis-server on a small machine.
  maxWorkers: 1,
  testTimeout: 15 * 60_000,
};
