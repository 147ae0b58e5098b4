/** The `growth-stages` command as users run it. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STAGES } from '../../core/stages';

const BIN = path.join(__dirname, '..', '..', 'bin', 'growth-stages.js');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('synth writes what cdk synth writes', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-cli-synth-'));
  try {
    const result = run('synth', 'single-box', '--out', out);
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out)).toEqual(expect.arrayContaining(['manifest.json', 'webapp-network.template.json', 'webapp-data.template.json', 'webapp-app.template.json']));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('list --json prints the five stages in order', () => {
  const result = run('list', '--json');
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout).map((s: { name: string }) => s.name))
    .toEqual(['single-box', 'split-db', 'load-balanced', 'cache-cdn', 'multi-region']);
});

test('list names the move-up alarms of each stage', () => {
  const result = run('list');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('alarm <appName>-move-to-split-db-cpu: the box averaged more than 70 % CPU for 3 hours');
  expect(result.stdout).toContain('alarm <appName>-move-to-cache-cdn-replica-lag:');
});

test('the README explains every move-up alarm the ladder defines', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  for (const stage of STAGES) {
    for (const alarm of stage.moveUpAlarms) {
      expect(readme).toContain(`| ${stage.number} | \`<appName>-move-to-${STAGES[stage.number].name}-${alarm.signal}\` | ${alarm.means} |`);
    }
  }
});

test('advise --json recommends a stage and says why', () => {
  const result = run('advise', '--rps', '20000', '--availability', '99.99', '--regions', '2', '--json');
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ stage: 5, reasons: expect.arrayContaining([expect.stringContaining('2 regions')]) });
});

test('cost --json has the stage, region, dated price table, total and lines', () => {
  const result = run('cost', '1', '--json');
  expect(result.status).toBe(0);
  const estimate = JSON.parse(result.stdout);
  expect(estimate).toMatchObject({ stage: 1, region: 'us-east-1', priceTableDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  expect(estimate.totalMonthlyUsd).toBeCloseTo(estimate.lines.reduce((s: number, l: { monthlyUsd: number }) => s + l.monthlyUsd, 0), 2);
});

test.each([
  [['cost', '2', '--region', 'mars-1'], /invalid --region "mars-1"; accepted: us-east-1, us-west-2, eu-west-1/],
  [['cost', '2', '--egress-gb', '-5'], /invalid --egress-gb "-5"; accepted: a number from 0 to 10000000/],
  [['advise', '--rps', 'lots'], /invalid --rps "lots"; accepted: a number from 0 to 10000000/],
  [['advise', '--regions', '1.5'], /invalid --regions "1.5"; accepted: an integer from 1 to 2/],
  [['advise', '--availability', '101'], /invalid --availability "101"; accepted: a number from 50 to 99.9999/],
  [['synth', '9'], /invalid stage "9"; accepted: 1-5 or single-box/],
  [['synth'], /missing required argument 'stage'/],
  [['synth', '2', '--engine', 'pulumi'], /Allowed choices are cdk/],
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['diff', '2', '2'], /<from> and <to> are both stage 2; accepted: two different stages/],
  [['diff', '1', 'huge'], /invalid <to> "huge"; accepted: 1-5 or single-box/],
  [['diff', '1'], /missing required argument 'to'/],
])('refuses %j with exit 2 and one line', (args, message) => {
  const result = run(...args);
  expect(result.status).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
});
