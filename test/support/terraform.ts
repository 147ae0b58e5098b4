/** Terraform synthesis for tests: the real output (`synthTerraform`), cached. */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashFiles } from '../../core/hash-files';
import { projectContext } from '../../core/project-context';
import { synthTerraform } from '../../terraform/main';
import { TerraformStacks } from '../../tools/parity';

const ROOT = path.join(__dirname, '..', '..');
/** What shapes the Terraform JSON: the key of `.cache/test-synth-tf/`. */
const TERRAFORM_SOURCES = ['app', 'core', 'lib/boot', 'terraform', 'tools', 'cdk.json', 'cdktf.json', 'package-lock.json', 'test/support'];
/** The sources as this test file's modules were loaded (with it). */
const LOADED = hashFiles(ROOT, TERRAFORM_SOURCES);

/**
 * `cdk.tf.json` of every stack, as `growth-stages synth --engine terraform` writes them; from
 * `.cache/test-synth-tf/` while the sources and the context are unchanged.
 */
export function synthTerraformStage(stage: number, overrides: Record<string, unknown> = {}): TerraformStacks {
  const context = { ...projectContext(), ...overrides, stage };
  // Sources edited since this test file loaded its modules: the output is of the old code, so no cache.
  const sources = hashFiles(ROOT, TERRAFORM_SOURCES);
  const unchanged = sources === LOADED;
  const key = createHash('sha256').update(sources).update(JSON.stringify(context)).digest('hex').slice(0, 32);
  const file = path.join(ROOT, '.cache', 'test-synth-tf', `${key}.json`);
  if (unchanged && fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-tf-'));
  try {
    synthTerraform(context, outdir);
    const stacksDir = path.join(outdir, 'stacks');
    const stacks: TerraformStacks = Object.fromEntries(fs.readdirSync(stacksDir)
      .map((name) => [name, JSON.parse(fs.readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8'))]));
    if (unchanged) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, JSON.stringify(stacks));
      fs.renameSync(partial, file);
    }
    return stacks;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
