/** Terraform synthesis for tests: the real output (`synthTerraform`) and `Testing.synth` per stack. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { parseConfig } from '../../core/config';
import { projectContext } from '../../core/project-context';
import { synthTerraform } from '../../terraform/main';
import { terraformStageBuilder } from '../../terraform/stages';
import { TerraformStacks } from '../../tools/parity';

/** `cdk.tf.json` of every stack, as `growth-stages synth --engine terraform` writes them. */
export function synthTerraformStage(stage: number, overrides: Record<string, unknown> = {}): TerraformStacks {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-tf-'));
  try {
    synthTerraform({ ...projectContext(), ...overrides, stage }, outdir);
    const stacksDir = path.join(outdir, 'stacks');
    return Object.fromEntries(fs.readdirSync(stacksDir).map((name) => [name, JSON.parse(fs.readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8'))]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** `Testing.synth` of every stack of the stage, by stack name. */
export function testingSynth(stage: number): Record<string, any> {
  const context: Record<string, unknown> = { ...projectContext(), stage };
  const app = Testing.app({ context } as Parameters<typeof Testing.app>[0]);
  terraformStageBuilder(parseConfig((key) => context[key]))(app);
  const stacks = app.node.children.filter((c): c is TerraformStack => c instanceof TerraformStack);
  return Object.fromEntries(stacks.map((s) => [s.node.id, JSON.parse(Testing.synth(s))]));
}
