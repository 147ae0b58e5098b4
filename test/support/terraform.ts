/** Terraform synthesis for tests: the real output (`synthTerraform`), cached. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { projectContext } from '../../core/project-context';
import { sourceCache } from '../../core/source-cache';
import { synthTerraform } from '../../terraform/main';
import { TerraformStacks } from '../../tools/parity';

const ROOT = path.join(__dirname, '..', '..');
/** What shapes the Terraform JSON: the key of `.cache/test-synth-tf/`. */
const TERRAFORM_SOURCES = ['app', 'core', 'lib/boot', 'terraform', 'tools', 'cdk.json', 'cdktf.json', 'package-lock.json', 'test/support'];
const cache = sourceCache(ROOT, path.join(ROOT, '.cache', 'test-synth-tf'), TERRAFORM_SOURCES);

/**
 * `cdk.tf.json` of every stack, as `growth-stages synth --engine terraform` writes them; from
 * `.cache/test-synth-tf/` while the sources and the context are unchanged.
 */
export function synthTerraformStage(stage: number, overrides: Record<string, unknown> = {}): TerraformStacks {
  const context = { ...projectContext(), ...overrides, stage };
  return cache.get(context, () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-tf-'));
    try {
      synthTerraform(context, outdir);
      const stacksDir = path.join(outdir, 'stacks');
      return Object.fromEntries(fs.readdirSync(stacksDir)
        .map((name) => [name, JSON.parse(fs.readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8'))])) as TerraformStacks;
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }).value;
}
