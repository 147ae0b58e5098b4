/**
 * What CloudFormation retains when it leaves a template (DeletionPolicy Retain), Terraform must
 * forget rather than destroy: a `removed` block with `destroy = false` (Terraform 1.7 or later).
 */
import { TerraformStacks } from '../../tools/parity';
import { synthTerraformStage } from '../support/terraform';

const forgotten = (stacks: TerraformStacks, stack: string) => ((stacks[stack] as any).removed ?? [])
  .filter((r: any) => r.lifecycle?.destroy === false).map((r: any) => r.from as string);

// An Elastic IP released by a destroy goes back to AWS's pool: DNS that still names it would
// point at someone else's address. CloudFormation retains the box's (DeletionPolicy Retain).
test('from stage 3 the box\'s Elastic IP is forgotten, not released, as CloudFormation retains it', () => {
  const two = synthTerraformStage(2);
  const address = Object.keys((two['webapp-app'] as any).resource.aws_eip).map((name) => `aws_eip.${name}`);
  expect(address).toHaveLength(1);
  for (const stage of [3, 4, 5]) expect(forgotten(synthTerraformStage(stage), 'webapp-app')).toEqual(expect.arrayContaining(address));
  // keepBox keeps the box in the configuration: a removed block for it would be an error.
  expect(forgotten(synthTerraformStage(3, { keepBox: true }), 'webapp-app')).not.toEqual(expect.arrayContaining(address));
});

// DisassociateKmsKey: events written under the key still need it to be read. Going back from
// strict to standard must not schedule the log key for deletion (prevent_destroy protects only a
// resource still in the configuration).
test('at standard, every stack forgets the log key strict would have created instead of destroying it', () => {
  const strict = synthTerraformStage(2, { hardening: 'strict' });
  const standard = synthTerraformStage(2);
  for (const [name, stack] of Object.entries(strict)) {
    const keys = Object.keys((stack as any).resource?.aws_kms_key ?? {}).filter((k) => k.startsWith('LogKey_')).map((k) => `aws_kms_key.${k}`);
    if (!keys.length) continue;
    expect(forgotten(standard, name)).toEqual(expect.arrayContaining(keys));
  }
});

test('every stack asks for a Terraform that reads removed blocks (1.7) and S3 lock files (1.10)', () => {
  for (const stack of Object.values(synthTerraformStage(3))) expect((stack as any).terraform.required_version).toBe('>= 1.7');
  const withState = synthTerraformStage(1, { tfStateBucket: 'my-state-bucket' });
  for (const stack of Object.values(withState)) expect((stack as any).terraform.required_version).toBe('>= 1.10');
});
