/**
 * The `growth-stages` command as users run it. Its CDK synth, which runs the real `cdk synth`
 * (about 9 s), is in test-integration/cli-synth.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { STAGES } from '../../core/stages';

const BIN = path.join(__dirname, '..', '..', 'bin', 'growth-stages.js');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('a reader that stops early ends the command quietly, with its own exit code', () => {
  // 100 KB of JSON, beyond a pipe's 64 KiB buffer: the write after `head` has gone always fails.
  const result = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(BIN)} rehearse 1 5 --json | head -c 10`], { encoding: 'utf8' });
  expect(result.stdout).toBe('{\n  "schem');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(3); // 1 -> 5 in one deploy is not clean: rehearse's exit code survives
});

test('list --json prints the five stages in order', () => {
  const result = run('list', '--json');
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout).map((s: { name: string }) => s.name))
    .toEqual(['single-box', 'split-db', 'load-balanced', 'cache-cdn', 'multi-region']);
});

test('no command prints the help on stderr and exits 2; --help prints it on stdout and exits 0', () => {
  const bare = run();
  expect(bare.status).toBe(2);
  expect(bare.stderr).toContain('Usage: growth-stages');
  const help = run('--help');
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('Usage: growth-stages');
});

test('--version prints the package version', () => {
  const result = run('--version');
  expect(result.status).toBe(0);
  expect(result.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version);
});

test('list names the alarms with the configured app name', () => {
  const result = run('list', '-c', 'appName=shop');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('alarm shop-move-to-split-db-cpu:');
  expect(result.stdout).not.toContain('<appName>');
});

test('a key without effect at the stage is a warning, not a silent no-op', () => {
  const result = run('diagram', '1', '-c', 'minCapacity=4');
  expect(result.status).toBe(0);
  expect(result.stderr).toContain('growth-stages: warning: "minCapacity" has no effect at stage 1 single-box; it applies from stage 3');
});

test('a key that applies to one of the stages a command builds is no warning', () => {
  const result = run('cost', '2..3', '-c', 'keepBox=true', '--json');
  expect(result.status).toBe(0);
  expect(result.stderr).not.toContain('warning');
  expect(run('cost', '1..2', '-c', 'keepBox=true', '--json').stderr).toContain('"keepBox" has no effect at stages 1, 2');
});

// Run from docs/, synth read the project's cdk.json but wrote docs/cdk.out (newcomer walk): the
// default output is the project's, wherever the command runs.
test("synth --engine terraform writes into the project's cdktf.out from any directory, and says where and in which order to apply", () => {
  const out = path.join(__dirname, '..', '..', 'cdktf.out');
  const result = spawnSync(process.execPath, [BIN, 'synth', '2', '--engine', 'terraform', '-c', 'appName=shop'], { encoding: 'utf8', cwd: os.tmpdir() });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain(`Terraform JSON of stage 2 split-db in ${out}`);
  expect(result.stdout).toMatch(/1\. shop-network .*\n {2}2\. shop-data .*\n {2}3\. shop-app /);
  expect(result.stdout).toContain(`(terraform -chdir=${out}/stacks/shop-network init && terraform -chdir=${out}/stacks/shop-network apply)`);
});

test('cost 1..2 prints one row of totals per stage', () => {
  const result = run('cost', '1..2', '--json');
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout).map((e: { stage: number }) => e.stage)).toEqual([1, 2]);
  const text = run('cost', '1..2');
  expect(text.stdout).toMatch(/^1 single-box +us-east-1 +\d+\.\d\d *$/m);
  expect(text.stdout).toMatch(/^2 split-db +us-east-1 +\d+\.\d\d +\+\d+\.\d\d$/m);
  // The level priced is in the header, as `cost <stage>` says it.
  expect(text.stdout).toContain('(hardening standard)');
  expect(run('cost', '1..2', '-c', 'hardening=strict').stdout).toContain('(hardening strict)');
});

test('list names the move-up alarms of each stage', () => {
  const result = run('list');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('alarm webapp-move-to-split-db-cpu: the box averaged more than 70 % CPU for 3 hours');
  expect(result.stdout).toContain('alarm webapp-move-to-cache-cdn-replica-lag:');
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
  [['cost', '2', '--region', 'mars-1'], /invalid --region "mars-1" for prices; accepted: us-east-1, us-west-2, eu-west-1/],
  [['cost', '2', '--egress-gb', '-5'], /invalid --egress-gb "-5"; accepted: a number from 0 to 10000000/],
  [['advise', '--rps', 'lots'], /invalid --rps "lots"; accepted: a number from 0 to 10000000/],
  [['advise', '--regions', '1.5'], /invalid --regions "1.5"; accepted: an integer from 1 to 2/],
  [['advise', '--availability', '101'], /invalid --availability "101"; accepted: a number from 50 to 99.9999/],
  [['synth', '9'], /invalid stage "9"; accepted: a number from 1 to 5, or a name: single-box/],
  [['synth'], /missing argument <stage>; accepted: a number from 1 to 5, or a name: single-box/],
  [['synth', '2', '--engine', 'pulumi'], /invalid --engine "pulumi"; accepted: cdk, terraform/],
  [['diagram', '2', '--format', 'png'], /invalid --format "png"; accepted: mermaid, dot/],
  // An empty --out resolved to the current directory and wrote the templates into the project.
  [['synth', '2', '--out', ''], /invalid --out ""; accepted: a directory path/],
  [['synth', '2', '--engine', 'terraform', '--out', ' '], /invalid --out " "; accepted: a directory path/],
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['diff', '2', '2'], /<from> and <to> are both stage 2; accepted: two different stages/],
  [['diff', '1', 'huge'], /invalid <to> "huge"; accepted: a number from 1 to 5, or a name: single-box/],
  [['diff', '1'], /missing argument <to>; accepted: a number from 1 to 5/],
  // Issue 15: typos, empty values and values a later stage refuses, one line and exit 2 everywhere.
  [['synth', '1', '-c', 'apName=shop'], /unknown context key "apName" \(did you mean "appName"\?\)/],
  [['diff', '1', '2', '-c', 'dbMinCapacity='], /-c: invalid value for "dbMinCapacity": ""; accepted: a value; leave the key out for its default/],
  [['synth', '1', '-c', 'stage=3'], /accepted: the stage as the command's argument/],
  [['synth', '1', '-c', 'appName'], /invalid -c "appName"; accepted: key=value/],
  [['diff', '4', '5', '-c', 'dbMinCapacity=0'], /stage 5: invalid value for "dbMinCapacity": "0"; accepted: ACUs from 0.5 to 256/],
  [['cost', '3..1'], /invalid <stages> "3..1"; accepted: a stage .* or a rising range like 1..5/],
  // Read as a range, it listed the typed value as accepted and did not mention 1..5.
  [['cost', '1-5'], /invalid <stages> "1-5"; accepted: a stage \(a number from 1 to 5, .*\) or a rising range like 1..5/],
  // A key without effect at stage 1 whose value is also bad: the refusal alone, not a warning first.
  [['cost', '1', '-c', 'minCapacity=four'], /^growth-stages: -c, stage 1: invalid value for "minCapacity": "four"/],
  [['list', '-c', 'appName=Shop'], /^growth-stages: -c: invalid value for "appName": "Shop"/],
  [['cost'], /missing argument <stages>; accepted: .*--all/],
  [['advise'], /advise needs at least one figure; accepted: --rps, --p99-ms, --db-cpu, --availability, --regions/],
  [['advise', '--json'], /advise needs at least one figure/],
  // An unwritable --out used to hang (recursive mkdir under /proc) or end in a stack trace.
  [['synth', '1', '--out', '/proc/growth-stages'], /invalid --out "\/proc\/growth-stages" \(ENOENT\); accepted: a directory you can write/],
  [['synth', '1', '--engine', 'terraform', '--out', '/proc/growth-stages'], /invalid --out "\/proc\/growth-stages"/],
])('refuses %j with exit 2 and one line', (args, message) => {
  const result = run(...args);
  expect(result.status).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  // One format for every refusal, the argument parser's too (issue 15).
  expect(result.stderr).toMatch(/^growth-stages: /);
  expect(result.stderr).toMatch(message);
});
