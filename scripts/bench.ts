/**
 * `npm run bench`: median wall time of `cdk synth` for each built stage beside a trivial
 * one-stack app synthesized the same way (same CLI, cdk.json flags and bundled validator), of
 * `growth-stages synth <stage> --engine terraform` and `growth-stages diff` for each move, and of
 * the whole test suite warm (caches kept) and cold (`.cache/` and jest's cache removed first, as
 * on a fresh clone). Each figure also as a ratio to the floor, which holds on a noisy machine;
 * the load average before and after says how quiet the machine was. Prints Markdown for the README.
 *
 *   npm run bench -- [--runs N] [--test-runs N] [--tests-only]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUILT_STAGES } from '../stages';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = flag('--runs', 5);
const testRuns = flag('--test-runs', 3);
const testsOnly = process.argv.includes('--tests-only');
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = load();

function seconds(command: string, args: string[], ok = [0]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'ignore' });
  if (!ok.includes(result.status ?? -1)) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Rounds interleave the floor and every stage, so a slow moment of the machine slows all of them
// alike instead of skewing one row; each target keeps its own output folder (assets stay staged).
const CLI = path.join(ROOT, 'bin', 'growth-stages.js');
const FLOOR = { name: 'trivial one-stack app (floor)', command: CDK, args: (out: string) => ['synth', '-q', '-o', out, '--app', 'node -r tsx/cjs scripts/trivial-app.ts'] };
const targets: Array<{ name: string; command: string; args: (out: string) => string[]; ok?: number[] }> = testsOnly ? [FLOOR] : [
  FLOOR,
  ...BUILT_STAGES.map((stage) => ({ name: `stage ${stage}`, command: CDK, args: (out: string) => ['synth', '-q', '-o', out, '-c', `stage=${stage}`] })),
  ...BUILT_STAGES.map((stage) => ({ name: `stage ${stage}, Terraform (\`--engine terraform\`)`, command: CLI, args: (out: string) => ['synth', String(stage), '--engine', 'terraform', '--out', out] })),
  // Warm: both stages come from the synth cache after the first round.
  ...BUILT_STAGES.slice(1).map((to) => ({ name: `\`growth-stages diff ${to - 1} ${to}\` (warm cache)`, command: CLI, args: () => ['diff', String(to - 1), String(to), '--json'] })),
  // The same pairs rehearsed (exit 3 for a move that is not clean in one deploy is an answer, not a failure).
  ...BUILT_STAGES.slice(1).map((to) => ({ name: `\`growth-stages rehearse ${to - 1} ${to}\` (warm cache)`, command: CLI, args: () => ['rehearse', String(to - 1), String(to), '--json'], ok: [0, 3] })),
  // The rows above start the binaries directly; through npx, as the docs show, each command starts this much later.
  { name: '`npx growth-stages list` (npx start-up included)', command: 'npx', args: () => ['growth-stages', 'list'] },
  { name: '`node bin/growth-stages.js list` (without npx)', command: CLI, args: () => ['list'] },
];
const outs = targets.map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-bench-')));
const times: number[][] = targets.map(() => []);
for (let round = 0; round < runs; round++) {
  targets.forEach((target, i) => times[i].push(seconds(target.command, target.args(outs[i]), target.ok)));
  process.stderr.write(`round ${round + 1}/${runs}: ${times.map((t) => t[round].toFixed(2)).join(' ')}\n`);
}
outs.forEach((out) => fs.rmSync(out, { recursive: true, force: true }));
const medians = times.map(median);
const ratio = (value: number) => `${(value / medians[0]).toFixed(2)}x`;
const rows = targets.map((target, i) => `| ${target.name} | ${medians[i].toFixed(2)} s | ${ratio(medians[i])} |`);

// Cold first (nothing cached, as on a fresh clone), then warm runs over the caches it left.
const clearCaches = () => {
  fs.rmSync(path.join(ROOT, '.cache'), { recursive: true, force: true });
  spawnSync('npx', ['jest', '--clearCache'], { cwd: ROOT, stdio: 'ignore' });
};
clearCaches();
const cold = seconds('npx', ['jest', '--silent']);
const warm = median(Array.from({ length: testRuns }, () => seconds('npx', ['jest', '--silent'])));

console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores, Node ${process.version}; median of ${runs} interleaved rounds`
  + ` (tests: 1 cold run, then ${testRuns === 1 ? '1 warm run' : `the median of ${testRuns} warm runs`}); load average (1, 5, 15 min) ${loadBefore} before, ${load()} after.\n`);
console.log('| what | median wall time | vs floor |');
console.log('|---|---|---|');
console.log(rows.join('\n'));
console.log(`| \`npm test\`, cold (no \`.cache/\`, no jest cache) | ${cold.toFixed(1)} s | ${ratio(cold)} |`);
console.log(`| \`npm test\`, warm | ${warm.toFixed(1)} s | ${ratio(warm)} |`);
