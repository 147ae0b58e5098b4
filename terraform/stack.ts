/**
 * The Terraform stacks of a stage: the same roles and names as the CloudFormation stacks
 * (`<appName>-network`, `-data`, `-app`), each with the AWS provider in the stage's region and a
 * backend: S3 when `tfStateBucket` is set (encrypted, one key per stack, S3 lock file), local
 * state files otherwise. With `hardening=strict`, its log groups are encrypted with a key of its own.
 */
import { App, Aspects, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GrowthConfig } from '../core/config';
import { stackName, StackRole } from '../core/naming';
import { makeUniqueId } from 'cdktf/lib/private/unique';
import { EncryptTfLogGroups, TF_LOG_KEY_ID } from './log-encryption-key';

const removedBlocks = new WeakMap<TerraformStack, object[]>();

/**
 * Makes Terraform forget `address` when it leaves the configuration instead of destroying it (a
 * `removed` block), as CloudFormation's Retain keeps a resource; a no-op for an address that was
 * never applied.
 */
export function forgetWhenRemoved(stack: TerraformStack, address: string): void {
  const blocks = removedBlocks.get(stack) ?? [];
  blocks.push({ from: address, lifecycle: { destroy: false } });
  removedBlocks.set(stack, blocks);
  stack.addOverride('removed', blocks);
}

/** A stack's local state file, relative to the folder cdktf writes it to (`stacks/<stack>/`). */
function localStatePath(stack: string): string {
  return `../${stack}/terraform.${stack}.tfstate`;
}

export function growthTfStack(app: App, config: GrowthConfig, role: StackRole, region = config.region, secondary = false): TerraformStack {
  const name = stackName(config.appName, role, secondary ? region : undefined);
  const stack = new TerraformStack(app, name);
  new AwsProvider(stack, 'aws', {
    region,
    defaultTags: [{ tags: { 'growth-stages:app': config.appName, 'growth-stages:stack': name } }],
  });
  if (config.tfStateBucket) {
    const backend = new S3Backend(stack, {
      bucket: config.tfStateBucket,
      key: `growth-stages/${name}.tfstate`,
      region: config.region,
      encrypt: true,
    });
    // Terraform >= 1.10 locks with a lock file next to the state; cdktf 0.21 predates the option.
    backend.addOverride('use_lockfile', true);
  } else {
    // Relative to the folder Terraform runs in (`stacks/<stack>/`). cdktf gives a consumer's
    // terraform_remote_state the producer's path as is, so a bare file name would be looked for in
    // the consumer's folder: the sibling path resolves to the producer's state from either one.
    new LocalBackend(stack, { path: localStatePath(name) });
  }
  // `removed` blocks need Terraform 1.7, S3 lock files 1.10.
  stack.addOverride('terraform.required_version', config.tfStateBucket ? '>= 1.10' : '>= 1.7');
  // Strict: every log group of the stack encrypted with the stack's own key, as in CloudFormation.
  // Back at standard the key is forgotten, not destroyed: the events written under it need it.
  if (config.hardening === 'strict') Aspects.of(stack).add(new EncryptTfLogGroups());
  else forgetWhenRemoved(stack, `aws_kms_key.${makeUniqueId([TF_LOG_KEY_ID, 'Resource'])}`);
  return stack;
}
