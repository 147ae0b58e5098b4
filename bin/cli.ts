/**
 * `growth-stages <command>`: parses input and hands over to the CDK CLI. Exit 0 on success,
 * 2 on bad input (one line: what was wrong and what is accepted), 1 on failure.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { advise } from '../core/capacity';
import { DEFAULTS } from '../core/config';
import { projectContext } from '../core/project-context';
import { PRICED_REGIONS } from '../core/prices';
import { STAGE_CHOICES, STAGES, StageNumber, findStage } from '../core/stages';
import { CostAssumptions, DEFAULT_ASSUMPTIONS, estimateCost, renderCost } from '../tools/cost';

// Loaded by the commands that synthesize, so `list` and `--help` do not pay for aws-cdk-lib.
const stages = () => require('../stages') as typeof import('../stages');
const diagram = () => require('../tools/diagram') as typeof import('../tools/diagram');
const tools = () => ({
  ...(require('../tools/migration') as typeof import('../tools/migration')),
  ...(require('../tools/render-diff') as typeof import('../tools/render-diff')),
});

const ROOT = path.join(__dirname, '..');

function fail(message: string): never {
  process.stderr.write(`growth-stages: ${message}\n`);
  process.exit(2);
}

const program = new Command('growth-stages')
  .description('AWS infrastructure for a web application at five growth stages')
  .exitOverride()
  .configureOutput({ outputError: (text) => process.stderr.write(text.split('\n')[0] + '\n') });

program.command('list')
  .description('the stages, what each adds and the failure mode it removes')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) => {
    if (options.json) {
      process.stdout.write(JSON.stringify(STAGES, null, 2) + '\n');
      return;
    }
    for (const s of STAGES) {
      process.stdout.write(`${s.number} ${s.name}\n  adds:    ${s.adds}\n  removes: ${s.removes}\n  move up: ${s.moveUpWhen}\n`);
      for (const alarm of s.moveUpAlarms) {
        process.stdout.write(`  alarm <appName>-move-to-${STAGES[s.number].name}-${alarm.signal}: ${alarm.means}\n`);
      }
    }
  });

program.command('synth')
  .description('synthesize a stage: CloudFormation as `cdk synth -c stage=N` does, or Terraform JSON (CDK for Terraform)')
  .argument('<stage>', STAGE_CHOICES)
  .addOption(new Option('--engine <engine>', 'synthesis engine').choices(['cdk', 'terraform']).default('cdk'))
  .option('--out <dir>', 'output directory (default: cdk.out, or cdktf.out with --engine terraform)')
  .action((stageArg: string, options: { engine: 'cdk' | 'terraform'; out?: string }) => {
    const stage = findStage(stageArg);
    if (!stage) fail(`invalid stage ${JSON.stringify(stageArg)}; accepted: ${STAGE_CHOICES}`);
    if (options.engine === 'terraform') {
      const { synthTerraform } = require('../terraform/main') as typeof import('../terraform/main');
      const { ConfigError } = require('../core/config') as typeof import('../core/config');
      try {
        synthTerraform({ ...projectContext(), stage: stage.number }, path.resolve(options.out ?? 'cdktf.out'));
      } catch (error) {
        if (error instanceof ConfigError) fail(error.message);
        throw error;
      }
      return;
    }
    const cdk = path.join(ROOT, 'node_modules', '.bin', 'cdk');
    const result = spawnSync(cdk, ['synth', '-q', '-c', `stage=${stage.number}`, '-o', path.resolve(options.out ?? 'cdk.out')], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    // The app exits 2 on bad configuration; the CDK CLI reports any app failure as 1.
    process.exit(result.status === 0 ? 0 : 1);
  });

program.command('diff')
  .description('what deploying stage <to> over stage <from> adds, updates, replaces and removes, what happens to data, and the runbook steps')
  .argument('<from>', STAGE_CHOICES)
  .argument('<to>', STAGE_CHOICES)
  .option('--json', 'print JSON (schema in the README)')
  .option('--no-color', 'no ANSI colours even on a terminal')
  .action((fromArg: string, toArg: string, options: { json?: boolean; color: boolean }) => {
    const from = parseStage('from', fromArg);
    const to = parseStage('to', toArg);
    if (from === to) fail(`<from> and <to> are both stage ${from}; accepted: two different stages`);
    const { migration, renderDiff } = tools();
    const tty = process.stderr.isTTY === true;
    const diff = migration(from, to, {
      onProgress: (stage, state) => {
        if (tty) process.stderr.write(state === 'start' ? `synthesizing stage ${stage}... ` : `${state}\n`);
      },
    });
    process.stdout.write(options.json
      ? JSON.stringify({ schemaVersion: 1, ...diff }, null, 2) + '\n'
      : renderDiff(diff, options.color && process.stdout.isTTY === true));
  });

program.command('diagram')
  .description('an architecture diagram of a stage, generated from its synthesized templates')
  .argument('<stage>', STAGE_CHOICES)
  .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'dot']).default('mermaid'))
  .action((stageArg: string, options: { format: 'mermaid' | 'dot' }) => {
    const stage = parseStage('stage', stageArg);
    process.stdout.write(diagram().stageDiagram(stage, options.format));
  });

program.command('cost')
  .description('a monthly estimate from the synthesized templates and a dated price table; lines marked * are assumptions')
  .argument('<stage>', STAGE_CHOICES)
  .option('--region <region>', 'price region (default: the region key of cdk.json)')
  .option('--acu-average <n>', 'average Aurora ACUs per instance', number('--acu-average', 0, 256), DEFAULT_ASSUMPTIONS.acuAverage)
  .option('--aurora-storage-gb <n>', 'Aurora storage, GB', number('--aurora-storage-gb', 0, 131072), DEFAULT_ASSUMPTIONS.auroraStorageGb)
  .option('--aurora-io-millions <n>', 'Aurora I/O requests a month, millions', number('--aurora-io-millions', 0, 1e6), DEFAULT_ASSUMPTIONS.auroraIoMillions)
  .option('--alb-lcu <n>', 'average load balancer capacity units', number('--alb-lcu', 0, 1e5), DEFAULT_ASSUMPTIONS.albLcu)
  .option('--nat-gb <n>', 'GB through NAT a month', number('--nat-gb', 0, 1e7), DEFAULT_ASSUMPTIONS.natGb)
  .option('--egress-gb <n>', 'GB to the internet a month', number('--egress-gb', 0, 1e7), DEFAULT_ASSUMPTIONS.egressGb)
  .option('--logs-gb <n>', 'GB of logs ingested a month', number('--logs-gb', 0, 1e7), DEFAULT_ASSUMPTIONS.logsGb)
  .option('--s3-gb <n>', 'GB stored in S3', number('--s3-gb', 0, 1e7), DEFAULT_ASSUMPTIONS.s3Gb)
  .option('--sqs-million-requests <n>', 'SQS requests a month beyond the free million, millions', number('--sqs-million-requests', 0, 1e6), DEFAULT_ASSUMPTIONS.sqsMillionRequests)
  .option('--cdn-gb <n>', 'GB CloudFront serves a month', number('--cdn-gb', 0, 1e8), DEFAULT_ASSUMPTIONS.cdnGb)
  .option('--cdn-million-requests <n>', 'CloudFront requests a month, millions', number('--cdn-million-requests', 0, 1e7), DEFAULT_ASSUMPTIONS.cdnMillionRequests)
  .option('--replication-gb <n>', '(stage 5) GB the global database replicates a month', number('--replication-gb', 0, 1e7), DEFAULT_ASSUMPTIONS.replicationGb)
  .option('--json', 'print JSON')
  .action((stageArg: string, options: { region?: string; json?: boolean } & CostAssumptions) => {
    const stage = parseStage('stage', stageArg);
    const { synthesizeStage } = require('../tools/synth-cache') as typeof import('../tools/synth-cache');
    const region = options.region ?? String(projectContext().region);
    if (!PRICED_REGIONS.includes(region)) fail(`invalid --region ${JSON.stringify(region)}; accepted: ${PRICED_REGIONS.join(', ')}`);
    const { region: _, json: __, ...assumptions } = options;
    // Stage 5's second region is priced at its own prices (the secondaryRegion key of cdk.json).
    const secondaryRegion = stage >= 5 ? String(projectContext().secondaryRegion ?? DEFAULTS.secondaryRegion) : undefined;
    if (secondaryRegion && !PRICED_REGIONS.includes(secondaryRegion)) {
      fail(`invalid secondaryRegion ${JSON.stringify(secondaryRegion)} for prices; accepted: ${PRICED_REGIONS.join(', ')}`);
    }
    const estimate = estimateCost(stage, synthesizeStage(stage).templates, region, assumptions, secondaryRegion);
    process.stdout.write(options.json ? JSON.stringify(estimate, null, 2) + '\n' : renderCost(estimate));
  });

program.command('advise')
  .description('the stage that fits these numbers, and the next bottleneck to watch (thresholds: docs/capacity.md)')
  .option('--rps <n>', 'peak requests per second', number('--rps', 0, 10_000_000))
  .option('--p99-ms <n>', 'target p99 latency in milliseconds', number('--p99-ms', 1, 60_000))
  .option('--db-cpu <pct>', 'database CPU at that load, percent', number('--db-cpu', 0, 100))
  .option('--availability <pct>', 'target availability, percent (e.g. 99.9)', number('--availability', 50, 99.9999))
  .option('--regions <n>', 'regions to serve from', number('--regions', 1, 2, true))
  .option('--json', 'print JSON')
  .action((options: { rps?: number; p99Ms?: number; dbCpu?: number; availability?: number; regions?: number; json?: boolean }) => {
    const advice = advise(options);
    if (options.json) {
      process.stdout.write(JSON.stringify(advice, null, 2) + '\n');
      return;
    }
    process.stdout.write(`stage ${advice.stage} ${advice.name}\n${advice.reasons.map((r) => `  - ${r}`).join('\n')}\n  watch next: ${advice.nextBottleneck}\n`);
  });

/** A parser for a numeric option that exits 2 with one line when the value is not accepted. */
function number(flag: string, min: number, max: number, integer = false) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      fail(`invalid ${flag} ${JSON.stringify(value)}; accepted: ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return n;
  };
}

/** A stage argument as a number, or exit 2 naming the argument. */
function parseStage(name: string, value: string): StageNumber {
  const stage = findStage(value);
  if (!stage) fail(`invalid <${name}> ${JSON.stringify(value)}; accepted: ${STAGE_CHOICES}`);
  const built = stages().BUILT_STAGES;
  if (!built.includes(stage.number)) {
    fail(`invalid <${name}> ${JSON.stringify(value)}; accepted: a stage built in this version (${built.join(', ')})`);
  }
  return stage.number;
}

try {
  program.parse();
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
  process.exit(ok ? 0 : 2);
}
