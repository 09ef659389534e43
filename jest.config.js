/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault suite has its own config and command (jest.faults.config.js, `npm run test:faults`).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // jsdom 29 requires @exodus/bytes, which is ESM only. Node 20.19 loads it
    // through require(esm), but jest's module runtime cannot, so jest compiles
    // it to CommonJS. The same goes for linkedom's parser and selector engine.
    '^.+/node_modules/(@exodus/bytes|parse5|entities|@asamuzakjp/[^/]+|@csstools/[^/]+|@bramus/specificity|css-tree|tough-cookie|css-select|css-what|cssomnom|htmlparser2|domhandler|domutils|dom-serializer|domelementtype|boolbase|nth-check|uhyphen)/.+\\.m?js$':
      ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true, esModuleInterop: true } }],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@exodus/bytes|parse5|entities|@asamuzakjp/[^/]+|@csstools/[^/]+|@bramus/specificity|css-tree|tough-cookie|css-select|css-what|cssomnom|htmlparser2|domhandler|domutils|dom-serializer|domelementtype|boolbase|nth-check|uhyphen)/)',
  ],
  // One redis-server per test run, on a free port, never the shared one on 6379.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  testTimeout: 30000,
};
