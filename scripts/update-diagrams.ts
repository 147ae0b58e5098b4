/**
 * `npm run docs`: rewrites the generated blocks: the README's diagram of every built stage, from
 * its templates, and docs/terraform.md's CloudFormation/Terraform parity table of every stage.
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
const TERRAFORM_DOC = path.join(__dirname, '..', 'docs', 'terraform.md');
const diagrams = Object.fromEntries(BUILT_STAGES.map((stage) => [stage, stageDiagram(stage)]));
const readme = updateReadmeDiagrams(fs.readFileSync(README, 'utf8'), diagrams);
let terraformDoc = fs.readFileSync(TERRAFORM_DOC, 'utf8');

for (const { number: stage } of STAGES) {
  const table = renderParityTable(cloudFormationParity(synthesizeStage(stage).templates));
  // docs/terraform.md shows one table; the parity test holds the Terraform side to it.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-docs-'));
  synthTerraform({ ...projectContext(), stage }, outdir);
  const stacks = Object.fromEntries(fs.readdirSync(path.join(outdir, 'stacks'))
    .map((name) => [name, JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'))]));
  fs.rmSync(outdir, { recursive: true, force: true });
  if (renderParityTable(terraformParity(stacks)) !== table) throw new Error(`stage ${stage}: Terraform differs from CloudFormation; run the parity test`);
  const open = `<!-- parity: stage ${stage} -->\n`;
  const close = `<!-- /parity: stage ${stage} -->`;
  const start = terraformDoc.indexOf(open);
  const end = terraformDoc.indexOf(close);
  if (start < 0 || end < start) throw new Error(`docs/terraform.md has no block ${open.trim()} ... ${close}`);
  terraformDoc = terraformDoc.slice(0, start + open.length) + table + terraformDoc.slice(end);
}
fs.writeFileSync(README, readme);
fs.writeFileSync(TERRAFORM_DOC, terraformDoc);
