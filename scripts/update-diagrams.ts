/**
 * `npm run docs`: rewrites the README's generated blocks: the diagram of every built stage, from
 * its templates, and the CloudFormation/Terraform parity table of every stage built for Terraform.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUILT_STAGES } from '../stages';
import { synthTerraform } from '../terraform/main';
import { STAGES } from '../core/stages';
import { projectContext } from '../core/project-context';
import { stageDiagram, updateReadmeDiagrams } from '../tools/diagram';
import { cloudFormationParity, renderParityTable, terraformParity } from '../tools/parity';
import { synthesizeStage } from '../tools/synth-cache';

const README = path.join(__dirname, '..', 'README.md');
const diagrams = Object.fromEntries(BUILT_STAGES.map((stage) => [stage, stageDiagram(stage)]));
let readme = updateReadmeDiagrams(fs.readFileSync(README, 'utf8'), diagrams);

for (const { number: stage } of STAGES) {
  const table = renderParityTable(cloudFormationParity(synthesizeStage(stage).templates));
  // The README shows one table; the parity test holds the Terraform side to it.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-docs-'));
  synthTerraform({ ...projectContext(), stage }, outdir);
  const stacks = Object.fromEntries(fs.readdirSync(path.join(outdir, 'stacks'))
    .map((name) => [name, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'))]));
  fs.rmSync(outdir, { recursive: true, force: true });
  if (renderParityTable(terraformParity(stacks)) !== table) throw new Error(`stage ${stage}: Terraform differs from CloudFormation; run the parity test`);
  const open = `<!-- parity: stage ${stage} -->\n`;
  const close = `<!-- /parity: stage ${stage} -->`;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README has no block ${open.trim()} ... ${close}`);
  readme = readme.slice(0, start + open.length) + table + readme.slice(end);
}
fs.writeFileSync(README, readme);
