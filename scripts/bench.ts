/**
 * `npm run bench`: median wall time of `cdk synth` for each built stage beside a trivial
 * one-stack app synthesized the same way (same CLI, cdk.json flags and bundled validator), and of
 * the whole test suite. Prints a Markdown table for the README.
 *
 *   npm run bench -- [--runs N] [--test-runs N]
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

function seconds(command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function synthMedian(extraArgs: string[]): number {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-bench-'));
  const times = Array.from({ length: runs }, () => seconds(CDK, ['synth', '-q', '-o', out, ...extraArgs]));
  fs.rmSync(out, { recursive: true, force: true });
  return median(times);
}

const floor = synthMedian(['--app', 'npx tsx scripts/trivial-app.ts']);
process.stderr.write(`floor: ${floor.toFixed(2)} s\n`);
const rows = [`| trivial one-stack app (floor) | ${floor.toFixed(2)} s | 1.00x |`];
for (const stage of BUILT_STAGES) {
  const t = synthMedian(['-c', `stage=${stage}`]);
  rows.push(`| stage ${stage} | ${t.toFixed(2)} s | ${(t / floor).toFixed(2)}x |`);
  process.stderr.write(`stage ${stage}: ${t.toFixed(2)} s\n`);
}
const tests = median(Array.from({ length: testRuns }, () => seconds('npx', ['jest', '--silent'])));

console.log(`Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores, Node ${process.version}; median of ${runs} runs (${testRuns} for the tests).\n`);
console.log('| what | median wall time | vs floor |');
console.log('|---|---|---|');
console.log(rows.join('\n'));
console.log(`| \`npm test\` (whole suite) | ${tests.toFixed(1)} s | |`);
