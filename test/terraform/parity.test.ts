/**
 * Parity: each stage built for Terraform has the components and security properties of its
 * CloudFormation output, read the same way from both (tools/parity.ts); the README shows the table.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { subnetPlan } from '../../core/naming';
import { STAGES } from '../../core/stages';
import { cloudFormationParity, renderParityTable, terraformParity } from '../../tools/parity';
import { synthesizeStage } from '../../tools/synth-cache';
import { synthTerraformStage } from '../support/terraform';

const TERRAFORM_STAGES = STAGES.map((s) => s.number);

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-parity-'));
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

describe.each(TERRAFORM_STAGES)('stage %i', (stage) => {
  const cfn = () => cloudFormationParity(synthesizeStage(stage, { cacheDir }).templates);
  const tf = () => terraformParity(synthTerraformStage(stage));

  test('CloudFormation and Terraform build the same components with the same security properties', () => {
    expect(tf()).toEqual(cfn());
  });

  test('the README shows the table', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = new RegExp(`<!-- parity: stage ${stage} -->\\n([\\s\\S]*?)<!-- /parity: stage ${stage} -->`).exec(readme);
    expect(block?.[1]).toBe(renderParityTable(cfn()));
  });
});

test('stage 5 with a hosted zone: the same Route 53 health checks and failover records from both engines', () => {
  const context = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };
  const cfn = cloudFormationParity(synthesizeStage(5, { cacheDir, context }).templates);
  const tf = terraformParity(synthTerraformStage(5, context));
  expect(tf).toEqual(cfn);
  expect(tf['Route 53 records']).toContain('origin.example.com A PRIMARY evaluating target health');
  expect(tf['Route 53 health checks']).toContain('CLOUDWATCH_METRIC webapp-us-west-2-serving (Unhealthy without data)');
});

test('the subnet plan both engines use is the one CDK allocates', () => {
  const cdkSubnets = Object.values<any>(synthesizeStage(1, { cacheDir }).templates['webapp-network'].Resources)
    .filter((r) => r.Type === 'AWS::EC2::Subnet').map((r) => r.Properties.CidrBlock);
  expect(subnetPlan('10.0.0.0/16').map((s) => s.cidr)).toEqual(cdkSubnets);
  expect(subnetPlan('172.16.16.0/20').map((s) => s.cidr)).toEqual([
    '172.16.16.0/24', '172.16.17.0/24', '172.16.20.0/22', '172.16.24.0/22', '172.16.28.0/24', '172.16.29.0/24',
  ]);
});

test('parity reads a difference as a difference', () => {
  const stacks = synthTerraformStage(1);
  (Object.values<any>(stacks['webapp-app'].resource!.aws_instance)[0]).metadata_options.http_tokens = 'optional';
  expect(terraformParity(stacks)['IMDSv2 required']).toBe('false');
});
