/**
 * The CDK for Terraform app. `growth-stages synth <stage> --engine terraform` calls
 * `synthTerraform`; `cdktf synth` runs this file through cdktf.json. The configuration is
 * cdk.json's context (one source for both engines) under cdktf's (`CDKTF_CONTEXT_JSON`); a bad
 * value is refused before anything is written.
 */
import { App } from 'cdktf';
import { ConfigError, parseConfig } from '../core/config';
import { projectContext } from '../core/project-context';
import { terraformStageBuilder } from './stages';

/**
 * Synthesizes the stage of `context` into `outdir`: `stacks/<stack>/cdk.tf.json` per stack.
 * @throws ConfigError before writing anything
 */
export function synthTerraform(context: Record<string, unknown>, outdir?: string): void {
  const build = terraformStageBuilder(parseConfig((key) => context[key]));
  const app = new App({ outdir, context });
  build(app);
  app.synth();
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
