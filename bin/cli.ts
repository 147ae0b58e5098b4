/**
 * `growth-stages <command>`: parses input and hands over to the CDK CLI. Exit 0 on success,
 * 2 on bad input (one line: what was wrong and what is accepted), 1 on failure.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import { STAGE_CHOICES, STAGES, findStage } from '../core/stages';

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
    }
  });

program.command('synth')
  .description('synthesize a stage as `cdk synth -c stage=N` does')
  .argument('<stage>', STAGE_CHOICES)
  .addOption(new Option('--engine <engine>', 'synthesis engine').choices(['cdk']).default('cdk'))
  .option('--out <dir>', 'output directory', 'cdk.out')
  .action((stageArg: string, options: { out: string }) => {
    const stage = findStage(stageArg);
    if (!stage) fail(`invalid stage ${JSON.stringify(stageArg)}; accepted: ${STAGE_CHOICES}`);
    const cdk = path.join(ROOT, 'node_modules', '.bin', 'cdk');
    const result = spawnSync(cdk, ['synth', '-q', '-c', `stage=${stage.number}`, '-o', path.resolve(options.out)], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    // The app exits 2 on bad configuration; the CDK CLI reports any app failure as 1.
    process.exit(result.status === 0 ? 0 : 1);
  });

try {
  program.parse();
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code);
  process.exit(ok ? 0 : 2);
}
