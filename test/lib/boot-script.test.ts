/** The instance boot script, as a file of its own: valid shell, refuses missing settings. */
import { spawnSync } from 'child_process';
import * as path from 'path';

const SCRIPT = path.join(__dirname, '..', '..', 'lib', 'boot', 'instance-boot.sh');

test('is valid bash', () => {
  expect(spawnSync('bash', ['-n', SCRIPT]).status).toBe(0);
});

const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
(shellcheck ? test : test.skip)('passes shellcheck', () => {
  const result = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
});

test.each([
  [{}, 'missing setting STAGE'],
  [{ STAGE: '1', AWS_REGION: 'us-east-1', APP_PORT: '80', APP_PACKAGE_URL: 's3://b/k', APP_START: 'node server.js', LOG_GROUP_APP: 'a', LOG_GROUP_SYSTEM: 's', DB_MODE: 'local' }, 'missing setting DATA_VOLUME_ID'],
  [{ STAGE: '1', AWS_REGION: 'us-east-1', APP_PORT: '80', APP_PACKAGE_URL: 's3://b/k', APP_START: 'node server.js', LOG_GROUP_APP: 'a', LOG_GROUP_SYSTEM: 's', DB_MODE: 'sqlite' }, 'invalid setting DB_MODE=sqlite (local or managed)'],
])('stops before changing anything when a setting is missing or wrong: %j', (env, message) => {
  const result = spawnSync('bash', [SCRIPT], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr.trim()).toBe(`growth-stages boot: ${message}`);
});
