/**
 * `growth-stages <command>`: parses input, validates the configuration, and runs the command (CDK
 * synth through the CDK CLI; Terraform synth, diff, rehearse, cost and diagram in-process). Exit 0
 * on success, 2 on bad input (one line: what was wrong and what is accepted), 1 on failure, and for
 * `rehearse` 3 when the rehearsal is not clean.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { advise } from '../core/capacity';
import { ConfigError, GrowthConfig } from '../core/config';
import { inactiveKeyWarnings } from '../core/context-keys';
import { commandConfig, projectContext } from '../core/project-context';
import { PRICED_REGIONS } from '../core/prices';
import { STAGE_CHOICES, STAGES, StageNumber, findStage, moveUpAlarmName } from '../core/stages';
import { CostAssumptions, DEFAULT_ASSUMPTIONS, estimateCost, renderCost, renderCostRange } from '../tools/cost';

// Loaded by the commands that synthesize, so `list` and `--help` do not pay for aws-cdk-lib.
const diagram = () => require('../tools/diagram') as typeof import('../tools/diagram');
const tools = () => ({
  ...(require('../tools/migration') as typeof import('../tools/migration')),
  ...(require('../tools/render-diff') as typeof import('../tools/render-diff')),
});

const ROOT = path.join(__dirname, '..');

// `growth-stages rehearse 1 5 | head`: a reader that stops early is not a failure of the command,
// which keeps its own exit code (rehearse's 3).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

function fail(message: string): never {
  process.stderr.write(`growth-stages: ${message}\n`);
  process.exit(2);
}

/** An option whose value is one of `values`, refused in the project's one-line format. */
const choiceOption = (flags: string, description: string, values: string[]) => {
  const option = new Option(flags, description).choices(values);
  return option.argParser((value: string) => values.includes(value) ? value : fail(`invalid --${option.attributeName()} ${JSON.stringify(value)}; accepted: ${values.join(', ')}`));
};

/** `-c key=value`, repeatable, as `cdk synth -c` takes it. */
const contextOption = () => new Option('-c, --context <key=value>', 'a configuration value on top of cdk.json (repeatable), as `cdk synth -c` takes it')
  .argParser((pair: string, previous: string[] = []) => [...previous, pair]);

/** `key=value` pairs (`-c`, or `rehearse --set` as `flag`) as context; refuses a pair without `=` and `stage`, which the command's argument sets. */
function userContext(pairs: string[] = [], flag = '-c', stageAccepted = "the stage as the command's argument, not as -c stage="): Record<string, string> {
  const context: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) fail(`invalid ${flag} ${JSON.stringify(pair)}; accepted: key=value`);
    const key = pair.slice(0, i).trim();
    if (key === 'stage') fail(`invalid ${flag} ${JSON.stringify(pair)}; accepted: ${stageAccepted}`);
    context[key] = pair.slice(i + 1);
  }
  return context;
}

/** The validated configuration of `stage` (core/project-context.ts); a refusal exits 2 with its one line. */
function configure(stage: StageNumber, pairs?: string[], scope?: string, set: Record<string, string> = {}): { context: Record<string, unknown>; config: GrowthConfig } {
  try {
    return commandConfig(projectContext(), userContext(pairs), stage, scope, set);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/**
 * One warning per key given (cdk.json or `-c`) that has no effect at any of the stages a
 * command builds: `diff 2 3 -c keepBox=true` is fine, `synth 1 -c minCapacity=4` is not.
 */
function warnInactiveKeys(stages: StageNumber[], pairs?: string[]) {
  const context: Record<string, unknown> = { ...projectContext(), ...userContext(pairs) };
  for (const warning of inactiveKeyWarnings(context, stages)) process.stderr.write(`growth-stages: warning: ${warning}\n`);
}

/**
 * The output directory, created if missing, one level at a time (Node's recursive mkdir spins
 * forever under a read-only pseudo file system like /proc); exit 2 before anything is
 * synthesized when it cannot be written.
 */
function writableDirectory(dir: string): string {
  // path.resolve('') is the current directory: an empty value would write into the project.
  if (dir.trim() === '') fail(`invalid --out ${JSON.stringify(dir)}; accepted: a directory path`);
  const full = path.resolve(dir);
  const missing: string[] = [];
  for (let d = full; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
  try {
    for (const d of missing) fs.mkdirSync(d);
    if (!fs.statSync(full).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    fs.accessSync(full, fs.constants.W_OK);
    // Root passes access checks on read-only mounts: only a write proves it.
    const probe = path.join(full, `.growth-stages-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (error) {
    fail(`invalid --out ${JSON.stringify(dir)} (${(error as NodeJS.ErrnoException).code ?? 'not writable'}); accepted: a directory you can write`);
  }
  return full;
}

const program = new Command('growth-stages')
  .description('AWS infrastructure for a web application at five growth stages')
  .version((require('../package.json') as { version: string }).version)
  .exitOverride()
  .configureOutput({
    outputError: (text) => {
      const line = text.split('\n')[0].replace(/^error: /, '');
      // Every required argument is a stage: say what is accepted, as the commands' own refusals do.
      const missing = /^missing required argument '(\w+)'/.exec(line);
      process.stderr.write(`growth-stages: ${missing ? `missing argument <${missing[1]}>; accepted: ${STAGE_CHOICES}` : line}\n`);
    },
  });

program.command('list')
  .description('the stages, what each adds and the failure mode it removes')
  .option('--json', 'print JSON')
  .addOption(contextOption())
  .action((options: { json?: boolean; context?: string[] }) => {
    const { appName } = configure(1, options.context, '').config;
    if (options.json) {
      process.stdout.write(JSON.stringify(STAGES, null, 2) + '\n');
      return;
    }
    for (const s of STAGES) {
      process.stdout.write(`${s.number} ${s.name}\n  adds:    ${s.adds}\n  removes: ${s.removes}\n  move up: ${s.moveUpWhen}\n`);
      for (const alarm of s.moveUpAlarms) {
        process.stdout.write(`  alarm ${moveUpAlarmName(appName, s, alarm)}: ${alarm.means}\n`);
      }
    }
  });

program.command('synth')
  .description('synthesize a stage: CloudFormation as `cdk synth -c stage=N` does, or Terraform JSON (CDK for Terraform)')
  .argument('<stage>', STAGE_CHOICES)
  .addOption(choiceOption('--engine <engine>', 'synthesis engine', ['cdk', 'terraform']).default('cdk'))
  .option('--out <dir>', "output directory (default: the project's cdk.out, or cdktf.out with --engine terraform)")
  .addOption(contextOption())
  .action((stageArg: string, options: { engine: 'cdk' | 'terraform'; out?: string; context?: string[] }) => {
    const stage = findStage(stageArg);
    if (!stage) fail(`invalid stage ${JSON.stringify(stageArg)}; accepted: ${STAGE_CHOICES}`);
    // Validated here first, so bad input exits 2 with one line in both engines.
    const { context } = configure(stage.number, options.context);
    // The CDK app warns by itself; the Terraform app is called here.
    if (options.engine === 'terraform') warnInactiveKeys([stage.number], options.context);
    const out = writableDirectory(options.out ?? path.join(ROOT, options.engine === 'terraform' ? 'cdktf.out' : 'cdk.out'));
    if (options.engine === 'terraform') {
      const { synthTerraform } = require('../terraform/main') as typeof import('../terraform/main');
      const stacks = synthTerraform(context, out);
      process.stdout.write(`Terraform JSON of stage ${stage.number} ${stage.name} in ${out}; apply the stacks in this order:\n`);
      stacks.forEach((s, i) => {
        const dir = path.join(out, path.dirname(s.file));
        process.stdout.write(`  ${i + 1}. ${s.stack}  (terraform -chdir=${dir} init && terraform -chdir=${dir} apply)\n`);
      });
      return;
    }
    const cdk = path.join(ROOT, 'node_modules', '.bin', 'cdk');
    const flags = Object.entries(userContext(options.context)).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
    const result = spawnSync(cdk, ['synth', '-q', '-c', `stage=${stage.number}`, ...flags, '-o', out], { cwd: ROOT, stdio: 'inherit' });
    process.exit(result.status === 0 ? 0 : 1);
  });

program.command('diff')
  .description('what deploying stage <to> over stage <from> adds, updates, replaces and removes, what happens to data, and the runbook steps')
  .argument('<from>', STAGE_CHOICES)
  .argument('<to>', STAGE_CHOICES)
  .option('--json', 'print JSON (schema in the README)')
  .option('--no-color', 'no ANSI colours even on a terminal')
  .addOption(contextOption())
  .action((fromArg: string, toArg: string, options: { json?: boolean; color: boolean; context?: string[] }) => {
    const from = parseStage('from', fromArg);
    const to = parseStage('to', toArg);
    if (from === to) fail(`<from> and <to> are both stage ${from}; accepted: two different stages`);
    configure(from, options.context);
    configure(to, options.context);
    warnInactiveKeys([from, to], options.context);
    const { migration, renderDiff } = tools();
    const tty = process.stderr.isTTY === true;
    const diff = migration(from, to, {
      context: userContext(options.context),
      onProgress: (stage, state) => {
        if (tty) process.stderr.write(state === 'start' ? `synthesizing stage ${stage}... ` : `${state}\n`);
      },
    });
    process.stdout.write(options.json
      ? JSON.stringify({ schemaVersion: 1, ...diff }, null, 2) + '\n'
      : renderDiff(diff, options.color && process.stdout.isTTY === true));
  });

program.command('rehearse')
  .description('replay deploying stage <to> over stage <from> (or a settings change at one stage, with --set) in CloudFormation\'s order: what AWS would refuse, outage windows, data; exit 3 when not clean')
  .argument('<from>', STAGE_CHOICES)
  .argument('[to]', `${STAGE_CHOICES}; omit it with --set`)
  .addOption(new Option('--set <key=value>', 'a setting changed in place at stage <from>, over cdk.json and -c (repeatable)')
    .argParser((pair: string, previous: string[] = []) => [...previous, pair]))
  .option('--json', 'print JSON (schemaVersion 1, in docs/rehearse.md)')
  .option('--no-color', 'no ANSI colours even on a terminal')
  .addOption(contextOption())
  .action((fromArg: string, toArg: string | undefined, options: { set?: string[]; json?: boolean; color: boolean; context?: string[] }) => {
    const from = parseStage('from', fromArg);
    const to = toArg === undefined ? from : parseStage('to', toArg);
    if (toArg !== undefined && options.set) fail(`invalid --set with <to>; accepted: <from> <to> for a move, or <stage> --set key=value for a settings change`);
    if (toArg === undefined && !options.set) fail('missing argument <to>; accepted: <from> <to>, or <stage> --set key=value');
    if (toArg !== undefined && from === to) fail(`<from> and <to> are both stage ${from}; accepted: two different stages, or <stage> --set key=value`);
    const base = userContext(options.context);
    const changed = userContext(options.set, '--set', 'a setting; a move between stages is <from> <to>');
    const before = configure(from, options.context);
    // The settings changed, over cdk.json and -c.
    const after = configure(to, options.context, undefined, changed);
    const afterPairs = [...(options.context ?? []), ...(options.set ?? [])];
    warnInactiveKeys([...new Set([from, to])], afterPairs);
    if (options.set && JSON.stringify(before.config) === JSON.stringify(after.config)) {
      fail(`invalid --set ${options.set.join(' ')}; accepted: a value other than the current one (the configuration would not change)`);
    }
    const { rehearseStages } = require('../tools/rehearse/rehearse') as typeof import('../tools/rehearse/rehearse');
    const { renderRehearsal } = require('../tools/rehearse/render') as typeof import('../tools/rehearse/render');
    const tty = process.stderr.isTTY === true;
    const rehearsal = rehearseStages({ stage: from, context: base }, { stage: to, context: { ...base, ...changed } }, {
      region: before.config.region,
      onProgress: (stage, state) => {
        if (tty) process.stderr.write(state === 'start' ? `synthesizing stage ${stage}... ` : `${state}\n`);
      },
    });
    process.stdout.write(options.json
      ? JSON.stringify({ schemaVersion: 1, ...rehearsal }, null, 2) + '\n'
      : renderRehearsal(rehearsal, options.color && process.stdout.isTTY === true));
    if (!rehearsal.verdict.accepted || !rehearsal.verdict.serving) process.exitCode = 3;
  });

program.command('diagram')
  .description('an architecture diagram of a stage, generated from its synthesized templates')
  .argument('<stage>', STAGE_CHOICES)
  .addOption(choiceOption('--format <format>', 'output format', ['mermaid', 'dot']).default('mermaid'))
  .addOption(contextOption())
  .action((stageArg: string, options: { format: 'mermaid' | 'dot'; context?: string[] }) => {
    const stage = parseStage('stage', stageArg);
    configure(stage, options.context);
    warnInactiveKeys([stage], options.context);
    process.stdout.write(diagram().stageDiagram(stage, options.format, { context: userContext(options.context) }));
  });

program.command('cost')
  .description('a monthly estimate from the synthesized templates and a dated price table; lines marked * are assumptions')
  .argument('[stages]', `a stage (${STAGE_CHOICES}) or a range of them, like 1..5`)
  .option('--all', 'every stage: one table of monthly totals (as 1..5)')
  .option('--region <region>', 'price region (default: the configured region)')
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
  .option('--json', 'print JSON (an array with a range)')
  .addOption(contextOption())
  .action((stagesArg: string | undefined, options: { all?: boolean; region?: string; json?: boolean; context?: string[] } & CostAssumptions) => {
    const range = parseRange(stagesArg, options.all === true);
    const { synthesizeStage } = require('../tools/synth-cache') as typeof import('../tools/synth-cache');
    const { region: _, json: __, all: ___, context: pairs, ...assumptions } = options;
    const priced = (key: string, value: string) => {
      if (!PRICED_REGIONS.includes(value)) {
        const hint = key === '--region' ? '' : ` (or price a nearby one: --region ${PRICED_REGIONS.join('|')})`;
        fail(`invalid ${key} ${JSON.stringify(value)} for prices; accepted: ${PRICED_REGIONS.join(', ')}${hint}`);
      }
      return value;
    };
    if (options.region) priced('--region', options.region);
    // Every stage's values are checked before any warning, so a refusal is the one line printed.
    const configs = range.map((stage) => configure(stage, pairs).config);
    warnInactiveKeys(range, pairs);
    const estimates = range.map((stage, i) => {
      const config = configs[i];
      const region = options.region ?? priced('region', config.region);
      // Stage 5's second region is priced at its own prices.
      const secondaryRegion = stage >= 5 ? priced('secondaryRegion', config.secondaryRegion) : undefined;
      return estimateCost(stage, synthesizeStage(stage, { context: userContext(pairs) }).templates, region, assumptions, secondaryRegion);
    });
    if (options.json) {
      process.stdout.write(JSON.stringify(estimates.length === 1 ? estimates[0] : estimates, null, 2) + '\n');
      return;
    }
    process.stdout.write(estimates.length === 1 ? renderCost(estimates[0]) : renderCostRange(estimates));
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
    const { json: _, ...figures } = options;
    if (!Object.values(figures).some((v) => v !== undefined)) {
      fail('advise needs at least one figure; accepted: --rps, --p99-ms, --db-cpu, --availability, --regions');
    }
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

/** `N`, `N..M` or `--all` as the stages in order, or exit 2. */
function parseRange(value: string | undefined, all: boolean): StageNumber[] {
  if (all && value !== undefined) fail(`invalid <stages> ${JSON.stringify(value)} with --all; accepted: one of them`);
  if (all) return STAGES.map((s) => s.number);
  if (value === undefined) fail(`missing argument <stages>; accepted: ${STAGE_CHOICES}, a range like 1..5, or --all`);
  const [first, last, extra] = value.split('..');
  const from = findStage(first)?.number;
  const to = last === undefined ? from : findStage(last)?.number;
  if (extra !== undefined || !from || !to || from > to) {
    fail(`invalid <stages> ${JSON.stringify(value)}; accepted: a stage (${STAGE_CHOICES}) or a rising range like 1..5`);
  }
  return STAGES.filter((s) => s.number >= from && s.number <= to).map((s) => s.number);
}

/** A stage argument as a number, or exit 2 naming the argument. */
function parseStage(name: string, value: string): StageNumber {
  const stage = findStage(value);
  if (!stage) fail(`invalid <${name}> ${JSON.stringify(value)}; accepted: ${STAGE_CHOICES}`);
  return stage.number;
}

// No command is bad input: the help on stderr, exit 2 (`--help` asks for it: stdout, exit 0).
if (process.argv.length <= 2) {
  process.stderr.write(program.helpInformation());
  process.exit(2);
}

try {
  program.parse();
} catch (error) {
  // A value reaching a stage that refuses it (cdk.json read by `diff 4 5`, say): one line, exit 2.
  if (error instanceof ConfigError) fail(error.message);
  if (!(error instanceof CommanderError)) throw error;
  const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
  process.exit(ok ? 0 : 2);
}
