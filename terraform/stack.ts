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
import { EncryptTfLogGroups } from './log-encryption-key';

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
    new LocalBackend(stack, { path: `terraform.${name}.tfstate` });
  }
  // Strict: every log group of the stack encrypted with the stack's own key, as in CloudFormation.
  if (config.hardening === 'strict') Aspects.of(stack).add(new EncryptTfLogGroups());
  return stack;
}
