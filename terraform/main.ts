/**
 * The CDK for Terraform app. `growth-stages synth <stage> --engine terraform` calls
 * `synthTerraform`; `cdktf synth` runs this file through cdktf.json. The configuration is
 * cdk.json's context (one source for both engines) under cdktf's (`CDKTF_CONTEXT_JSON`); a bad
 * value is refused before anything is written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { ConfigError, parseConfig } from '../core/config';
import { checkContextKeys } from '../core/context-keys';
import { projectContext } from '../core/project-context';
import { terraformStageBuilder } from './stages';

/** A synthesized stack: its name and its Terraform JSON, relative to the output directory. */
export interface TerraformStackFile {
  readonly stack: string;
  readonly file: string;
}

/**
 * Synthesizes the stage of `context` into `outdir`: `stacks/<stack>/cdk.tf.json` per stack.
 * @returns the stacks in the order to apply them (each after the stacks it reads from)
 * @throws ConfigError before writing anything
 */
export function synthTerraform(context: Record<string, unknown>, outdir = 'cdktf.out'): TerraformStackFile[] {
  checkContextKeys(context);
  const build = terraformStageBuilder(parseConfig((key) => context[key]));
  const app = new App({ outdir, context });
  build(app);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { dependencies: string[]; synthesizedStackPath: string }>;
  };
  const ordered: TerraformStackFile[] = [];
  const visit = (name: string) => {
    if (ordered.some((s) => s.stack === name)) return;
    manifest.stacks[name].dependencies.forEach(visit);
    ordered.push({ stack: name, file: manifest.stacks[name].synthesizedStackPath });
  };
  Object.keys(manifest.stacks).sort().forEach(visit);
  return ordered;
}

if (require.main === module) {
  const fromCdktf = JSON.parse(process.env.CDKTF_CONTEXT_JSON ?? '{}') as Record<string, unknown>;
  try {
    synthTerraform({ ...projectContext(), ...fromCdktf });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`growth-stages: ${error.message}\n`);
    process.exit(2);
  }
}
