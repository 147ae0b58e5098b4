import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { IAspect, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES as DENY_GRANTS } from '../core/settings';

/** `DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES` of core/settings.ts as a policy document statement. */
export const DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES: DataAwsIamPolicyDocumentStatement = (({ Sid, Effect, Principal, Action, Resource, Condition }) => ({
  sid: Sid,
  effect: Effect,
  actions: [Action],
  resources: [Resource],
  principals: [{ type: 'AWS', identifiers: [Principal.AWS] }],
  condition: Object.entries(Condition).flatMap(([test, values]) => Object.entries(values).map(([variable, value]) => ({ test, variable, values: [value] }))),
}))(DENY_GRANTS);

/** The statement that leaves a key to its account's IAM policies, as every KMS key's default policy does. */
export function accountAdministers(partition: string, accountId: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid: 'AccountAdministers',
    actions: ['kms:*'],
    resources: ['*'],
    principals: [{ type: 'AWS', identifiers: [`arn:${partition}:iam::${accountId}:root`] }],
  };
}

/**
 * The KMS key of a stack's log groups, as the CDK `LogEncryptionKey`: rotated; the regional
 * CloudWatch Logs service may use it for this account's log groups of the region only (the
 * `aws:logs:arn` encryption context); grants only for AWS services; `prevent_destroy`, since
 * deleting it makes the encrypted events unreadable.
 */
export class TfLogEncryptionKey extends Construct {
  public readonly key: KmsKey;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    const region = new DataAwsRegion(this, 'Region');
    this.key = new KmsKey(this, 'Resource', {
      description: 'Encrypts the CloudWatch Logs log groups of this stack',
      enableKeyRotation: true,
      lifecycle: { preventDestroy: true },
      policy: new DataAwsIamPolicyDocument(this, 'Policy', {
        statement: [
          accountAdministers(partition.partition, account.accountId),
          {
            sid: 'AllowCloudWatchLogs',
            actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            resources: ['*'],
            principals: [{ type: 'Service', identifiers: [`logs.${region.region}.amazonaws.com`] }],
            condition: [{
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [`arn:${partition.partition}:logs:${region.region}:${account.accountId}:log-group:*`],
            }],
          },
          DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES,
        ],
      }).json,
    });
  }
}

/** Construct ID of the stack's `TfLogEncryptionKey` that `EncryptTfLogGroups` creates. */
export const TF_LOG_KEY_ID = 'LogKey';

/**
 * Encrypts every log group of the stacks in its scope that names no key with its stack's
 * `TfLogEncryptionKey` (ID `LogKey`), created with the stack's first such group, as CDK's
 * `EncryptLogGroups`. Associating a key with a group updates it in place.
 */
export class EncryptTfLogGroups implements IAspect {
  public visit(node: IConstruct): void {
    if (!(node instanceof CloudwatchLogGroup) || node.kmsKeyIdInput !== undefined) return;
    const stack = TerraformStack.of(node);
    const key = (stack.node.tryFindChild(TF_LOG_KEY_ID) as TfLogEncryptionKey | undefined) ?? new TfLogEncryptionKey(stack, TF_LOG_KEY_ID);
    node.kmsKeyId = key.key.arn;
  }
}
