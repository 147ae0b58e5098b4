/**
 * `growth-stages diff` on the real stages: golden text and JSON for every consecutive pair, the
 * runbook steps, and the cache that makes a second run skip synthesis. That no consecutive pair
 * loses data or breaks a reference is the upgrade test's (test/stages/upgrade.test.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { StageNumber } from '../../core/stages';
import { BUILT_STAGES } from '../../stages';
import { migration, Migration } from '../../tools/migration';
import { renderDiff } from '../../tools/render-diff';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-diff-'));
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

const pairs = BUILT_STAGES.slice(1).map((to) => [(to - 1) as StageNumber, to] as const);

describe.each(pairs)('diff %i -> %i', (from, to) => {
  let diff: Migration;
  beforeAll(() => {
    diff = migration(from, to, { cacheDir });
  });

  test('matches the golden text', () => {
    expect(renderDiff(diff, false)).toMatchSnapshot();
  });

  test('matches the golden JSON', () => {
    expect(diff).toMatchSnapshot();
  });

  test('lists the runbook steps of the upgrade, in order', () => {
    expect(diff.runbook.length).toBeGreaterThan(2);
    expect(diff.runbook.every((s) => s.migration === `${from}-to-${to}`)).toBe(true);
    expect(diff.runbook.map((s) => s.number)).toEqual(diff.runbook.map((_, i) => i + 1));
  });
});

test('a jump composes the runbooks in between', () => {
  const first = BUILT_STAGES[0];
  const last = BUILT_STAGES[BUILT_STAGES.length - 1];
  const jump = migration(first, last, { cacheDir });
  const migrations = [...new Set(jump.runbook.map((s) => s.migration))];
  expect(migrations).toEqual(pairs.map(([f, t]) => `${f}-to-${t}`));
});

test('a downgrade warns that it removes data and lists no runbook', () => {
  const down = migration(2, 1, { cacheDir });
  expect(down.direction).toBe('downgrade');
  expect(down.runbook).toEqual([]);
  expect(down.data.find((d) => d.type === 'AWS::RDS::DBCluster')?.fate).toBe('snapshotted');
  expect(renderDiff(down, false)).toMatch(/WARNING: a downgrade is not a supported path/);
});

test('reuses a synthesized stage while the code is unchanged', () => {
  const states: string[] = [];
  migration(1, 2, { cacheDir, onProgress: (stage, state) => states.push(`${stage}:${state}`) });
  expect(states).toEqual(['1:start', '1:cached', '2:start', '2:cached']);
});
