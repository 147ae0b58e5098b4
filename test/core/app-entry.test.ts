/**
 * The CDK app entry as the CLI runs it: a bad value is refused before anything is synthesized,
 * in one line, with exit code 2, and nothing is written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

function runApp(context: Record<string, unknown>) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-entry-'));
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin', 'app.ts')], {
    cwd: ROOT,
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
    encoding: 'utf8',
  });
  const written = fs.readdirSync(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr, written };
}

test.each([
  [{ stage: 'foo' }, 'invalid value for "stage": "foo"; accepted: a number from 1 to 5, or a name: single-box, split-db, load-balanced, cache-cdn, multi-region'],
  [{ stage: 2, alarmEmail: 'not-an-address' }, 'invalid value for "alarmEmail": "not-an-address"; accepted: one e-mail address'],
])('refuses %j with exit 2, one line and no output', (context, message) => {
  const { status, stderr, written } = runApp(context);
  expect(status).toBe(2);
  expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(`growth-stages: ${message}`)]);
  expect(written).toEqual([]);
});
