/**
 * `growth-stages diff` on the real stages: golden text and JSON for every consecutive pair, the
 * runbook steps, and the cache that makes a second run skip synthesis. That no consecutive pair
 * loses data or breaks a reference is the upgrade test's (test/stages/upgrade.test.ts).
 */
import { StageNumber } from '../../core/stages';
import { BUILT_STAGES } from '../../stages';
import { migration, Migration } from '../../tools/migration';
import { renderDiff } from '../../tools/render-diff';

// Stages come from the project's synth cache (.cache/synth), shared with the CLI and the other
// test files: a warm run synthesizes nothing.

const pairs = BUILT_STAGES.slice(1).map((to) => [(to - 1) as StageNumber, to] as const);

describe.each(pairs)('diff %i -> %i', (from, to) => {
  let diff: Migration;
  beforeAll(() => {
    diff = migration(from, to);
  });

  test('matches the golden text', () => {
    expect(renderDiff(diff, false)).toMatchSnapshot();
  });

  test('matches the golden JSON', () => {
    expect(diff).toMatchSnapshot();
  });

  // Issue 15: the diff printed the steps without the runbook's pre-checks and stated downtime.
  test('lists the runbook\'s pre-checks, then its steps, in order, and its stated downtime', () => {
    const sections = diff.runbook.map((s) => s.section);
    expect(sections.indexOf('step')).toBeGreaterThan(0);
    expect(sections.lastIndexOf('pre-check')).toBeLessThan(sections.indexOf('step'));
    expect(diff.runbook.every((s) => s.migration === `${from}-to-${to}`)).toBe(true);
    for (const section of ['pre-check', 'step'] as const) {
      const numbers = diff.runbook.filter((s) => s.section === section).map((s) => s.number);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    }
    expect(diff.runbook.every((s) => !/[,:(]$|\band$/.test(s.text))).toBe(true); // continuation lines joined
    expect(diff.downtime).toEqual([expect.objectContaining({ migration: `${from}-to-${to}`, text: expect.stringMatching(/\.$/) })]);
    const text = renderDiff(diff, false);
    expect(text).toContain(`${from}-to-${to}: ${diff.downtime[0].text}`);
    expect(text.indexOf(`${from}-to-${to} pre-checks`)).toBeLessThan(text.indexOf(`${from}-to-${to} steps`));
  });
});

test('a jump composes the runbooks in between', () => {
  const first = BUILT_STAGES[0];
  const last = BUILT_STAGES[BUILT_STAGES.length - 1];
  const jump = migration(first, last);
  const migrations = [...new Set(jump.runbook.map((s) => s.migration))];
  expect(migrations).toEqual(pairs.map(([f, t]) => `${f}-to-${t}`));
  expect(jump.downtime.map((d) => d.migration)).toEqual(migrations);
  // A jump strands what the stages in between keep publishing: the advice says how to move.
  if (jump.brokenReferences.length) {
    expect(renderDiff(jump, false)).toContain(`deploy one stage at a time (growth-stages diff ${first} ${first + 1}, then`);
  }
});

test('a downgrade warns that it removes data and lists no runbook', () => {
  const down = migration(2, 1);
  expect(down.direction).toBe('downgrade');
  expect(down.runbook).toEqual([]);
  expect(down.data.find((d) => d.type === 'AWS::RDS::DBCluster')?.fate).toBe('snapshotted');
  // The header and the footer count the same things (issue 15: they differed).
  const text = renderDiff(down, false);
  const lose = down.data.filter((d) => ['replaced', 'may-be-replaced', 'deleted'].includes(d.fate)).length;
  expect(text).toMatch(new RegExp(`WARNING: a downgrade is not a supported path; .* and ${lose} in all lose data`));
  expect(text).toContain(lose ? `${lose} resource${lose === 1 ? '' : 's'} lose data` : 'no resource that holds data is replaced or deleted');
});

test('reuses a synthesized stage while the code is unchanged', () => {
  const states: string[] = [];
  migration(1, 2, { onProgress: (stage, state) => states.push(`${stage}:${state}`) });
  expect(states).toEqual(['1:start', '1:cached', '2:start', '2:cached']);
});
