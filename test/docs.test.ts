/**
 * CONTRIBUTING.md's checklists, enforced: every stage of the ladder has a runbook for the move to
 * it that `growth-stages diff` can read, and its README and docs blocks; every construct in lib/
 * has a doc page and copies with the files it lists. Fast: nothing is built or synthesized.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULTS } from '../core/config';
import { KEY_STAGES, SWITCH_KEYS } from '../core/context-keys';
import { STAGES } from '../core/stages';
import { runbooks } from '../tools/runbooks';

const ROOT = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const README = read('README.md');
const TERRAFORM_DOC = read('docs/terraform.md');
const MOVES = STAGES.slice(1).map((s) => [STAGES[s.number - 2].number, s.number] as const);

describe.each(STAGES.map((s) => [s.number, s.name] as const))('stage %i %s', (stage, name) => {
  // Both renderers build every stage of the ladder in test/stages/stages.test.ts and
  // test/terraform/stages.test.ts, which iterate over core/stages.ts.
  test('README: its row in the ladder and its diagram block', () => {
    // The whole row, as `growth-stages list` says it (core/stages.ts).
    const { adds, removes, moveUpWhen } = STAGES[stage - 1];
    expect(README).toContain(`| ${stage} | \`${name}\` | ${adds} | ${removes} | ${moveUpWhen} |`);
    expect(README).toMatch(new RegExp(`<!-- diagram: stage ${stage} -->\\n\`\`\`mermaid\\n[\\s\\S]+?\\n\`\`\`\\n<!-- /diagram: stage ${stage} -->`));
  });

  test('README: a row for each of its move-up alarms', () => {
    for (const alarm of STAGES[stage - 1].moveUpAlarms) {
      expect(README).toContain(`| ${stage} | \`<appName>-move-to-${STAGES[stage].name}-${alarm.signal}\` | ${alarm.means} |`);
    }
  });

  test('docs/terraform.md: its parity block', () => {
    expect(TERRAFORM_DOC).toMatch(new RegExp(`<!-- parity: stage ${stage} -->\\n\\| component or property \\|[\\s\\S]+?<!-- /parity: stage ${stage} -->`));
  });
});

describe.each(MOVES)('the move from stage %i to %i', (from, to) => {
  const file = `docs/migrations/${from}-to-${to}.md`;

  test('has a runbook that diff reads: expected downtime, pre-checks, steps', () => {
    expect(fs.existsSync(path.join(ROOT, file))).toBe(true);
    const { downtime, steps } = runbooks(from, to);
    expect(downtime).toEqual([expect.objectContaining({ file, text: expect.stringMatching(/\S/) })]);
    expect(steps.filter((s) => s.section === 'pre-check').length).toBeGreaterThan(0);
    expect(steps.filter((s) => s.section === 'step').length).toBeGreaterThan(0);
  });

  test('the runbook says how to verify and how to roll back', () => {
    const headings = read(file).split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(expect.arrayContaining(['## Pre-checks', '## Steps', '## Verify', '## Roll back']));
  });

  test('the README links the runbook', () => {
    expect(README).toContain(`](${file})`);
  });
});

test('every construct in lib/ has a doc page in docs/constructs/', () => {
  const constructFiles = fs.readdirSync(path.join(ROOT, 'lib'))
    .filter((f) => f.endsWith('.ts') && /^export class \w+ extends [\w.]+/m.test(read(`lib/${f}`)));
  expect(constructFiles.length).toBeGreaterThan(10);
  const missing = constructFiles.map((f) => `docs/constructs/${f.replace(/\.ts$/, '.md')}`)
    .filter((page) => !fs.existsSync(path.join(ROOT, page)));
  expect(missing).toEqual([]);
});

/**
 * The files a construct needs in another app: itself, the project files it imports (transitively)
 * and the files they read beside themselves (the boot script).
 */
function copySet(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = read(file);
  const dir = path.dirname(file);
  const imported = [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => path.join(dir, `${m[1]}.ts`));
  const readBeside = [...text.matchAll(/path\.join\(__dirname, '([^']+)'\)/g)].map((m) => path.join(dir, m[1]));
  for (const f of [...imported, ...readBeside]) if (f.endsWith('.ts')) copySet(f, seen); else seen.add(f);
  return [...seen];
}

describe('a construct is a few files to copy', () => {
  const constructFiles = fs.readdirSync(path.join(ROOT, 'lib'))
    .filter((f) => f.endsWith('.ts') && /^export class \w+ extends [\w.]+/m.test(read(`lib/${f}`)));

  test.each(constructFiles)('lib/%s: at most 3 files (6 for the constructs that run app instances), and its page lists them', (file) => {
    const files = copySet(`lib/${file}`);
    // The instances' boot script is shellchecked on its own and shared with the Terraform engine:
    // lib/app-instance.ts brings lib/boot/boot-script.ts and lib/boot/instance-boot.sh.
    expect(files.length).toBeLessThanOrEqual(files.includes('lib/app-instance.ts') ? 6 : 3);
    const listed = files.map((f) => `\`${f}\``);
    const line = files.length === 1 ? 'To copy it: this file only (it imports nothing from the project).'
      : `To copy it: ${listed.slice(0, -1).join(', ')} and ${listed[listed.length - 1]}.`;
    expect(read(`docs/constructs/${file.replace(/\.ts$/, '.md')}`)).toContain(line);
  });
});

test('docs/configuration.md has a row for every key, with its default', () => {
  const rows = read('docs/configuration.md').split('\n').filter((line) => line.startsWith('| `'));
  const rowOf = (key: string) => rows.find((row) => row.split('|')[1].includes(`\`${key}\``));
  const missing = [...Object.keys(KEY_STAGES), ...SWITCH_KEYS].filter((key) => !rowOf(key));
  expect(missing).toEqual([]);
  const wrongDefault = Object.entries(DEFAULTS).filter(([key, value]) => !rowOf(key)?.split('|')[2].includes(String(value)));
  expect(wrongDefault).toEqual([]);
});

test('every docs link of the README, CONTRIBUTING.md and the reference pages leads to a file', () => {
  const pages = ['README.md', 'CONTRIBUTING.md', 'docs/configuration.md', 'docs/cli.md', 'docs/terraform.md', 'docs/reference.md'];
  const broken: string[] = [];
  for (const page of pages) {
    for (const [, target] of read(page).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      if (!fs.existsSync(path.join(ROOT, path.dirname(page), target))) broken.push(`${page}: ${target}`);
    }
  }
  expect(broken).toEqual([]);
});
