/**
 * Integration tests: the reference app against the PostgreSQL and Redis of scripts/services.sh, and
 * the CLI's real `cdk synth`.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test-integration'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  testTimeout: 30000,
  // The tests stop and start the shared PostgreSQL: one file at a time.
  maxWorkers: 1,
};
