import { IAspect, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES } from '../core/settings';

export interface LogEncryptionKeyProps {
  /**
   * What happens to the key when it leaves the template. Deleting the key makes every log event
   * it encrypted unreadable, so the key outlives the groups (which are retained too).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A customer-managed KMS key for the CloudWatch Logs log groups of one stack (region): rotated
 * yearly; its policy admits the regional CloudWatch Logs service only for log groups of this
 * account and region (the `aws:logs:arn` encryption context), and lets nobody but AWS services
 * create grants on it. Writers and readers of the groups need no KMS permission of their own.
 */
export class LogEncryptionKey extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LogEncryptionKeyProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new kms.Key(this, 'Resource', {
      description: 'Encrypts the CloudWatch Logs log groups of this stack',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogs',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
      },
    }));
    this.key.addToResourcePolicy(iam.PolicyStatement.fromJson(DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES));
  }
}

/** Construct ID of the stack's `LogEncryptionKey` that `EncryptLogGroups` creates. */
export const LOG_KEY_ID = 'LogKey';

/**
 * Encrypts every log group in the scope it is applied to that names no key, including those of
 * aws-cdk-lib's own deploy-time functions, with its stack's `LogEncryptionKey` (ID `LogKey`),
 * created with the stack's first such group. Apply it to a stack or an app:
 * `Aspects.of(stack).add(new EncryptLogGroups())`. Adding the key to a deployed group is an
 * in-place update: new events are encrypted, older ones stay readable.
 */
export class EncryptLogGroups implements IAspect {
  public visit(node: IConstruct): void {
    if (!(node instanceof logs.CfnLogGroup) || node.kmsKeyId !== undefined) return;
    const stack = Stack.of(node);
    const key = (stack.node.tryFindChild(LOG_KEY_ID) as LogEncryptionKey | undefined) ?? new LogEncryptionKey(stack, LOG_KEY_ID);
    node.kmsKeyId = key.key.keyArn;
  }
}
