/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  snapshotSerializers: ['<rootDir>/test/support/mask-serializer.js'],
  // Synthesizing a stage with the CloudFormation validator takes a few seconds.
  testTimeout: 60000,
  workerIdleMemoryLimit: '300MB',
  // Jest's default on 2 cores is one worker; the synthesizing files keep both cores busy.
  maxWorkers: 2,
};
