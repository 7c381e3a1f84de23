// Two projects: pure domain specs run without servers; integration specs share one real
// Temporal dev server, PostgreSQL, worker and API started by the global set-up.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
module.exports = {
  projects: [
    { displayName: 'domain', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/domain/**/*.test.ts'] },
    { displayName: 'replay', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/replay/**/*.test.ts'] },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
