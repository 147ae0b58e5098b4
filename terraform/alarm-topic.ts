import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';

export interface TfAlarmTopicProps {
  /** Subscribed by e-mail (confirm the subscription). */
  readonly email?: string;
}

/**
 * The topic every alarm notifies, as the CDK `AlarmTopic`: encrypted with a key of its own
 * (rotation on) that CloudWatch may use, publishing refused without TLS, an optional e-mail
 * subscription.
 */
export class TfAlarmTopic extends Construct {
  public readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: TfAlarmTopicProps = {}) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    const key = new KmsKey(this, 'Key', {
      description: 'Encrypts the alarm topic',
      enableKeyRotation: true,
      policy: new DataAwsIamPolicyDocument(this, 'KeyPolicy', {
        statement: [
          {
            sid: 'AccountAdministers',
            actions: ['kms:*'],
            resources: ['*'],
            principals: [{ type: 'AWS', identifiers: [`arn:${partition.partition}:iam::${account.accountId}:root`] }],
          },
          {
            sid: 'AllowCloudWatchAlarms',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            resources: ['*'],
            principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          },
        ],
      }).json,
    });
    this.topic = new SnsTopic(this, 'Resource', { kmsMasterKeyId: key.arn });
    new SnsTopicPolicy(this, 'Policy', {
      arn: this.topic.arn,
      policy: new DataAwsIamPolicyDocument(this, 'TopicPolicy', {
        statement: [{
          sid: 'AllowPublishThroughSSLOnly',
          effect: 'Deny',
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        }],
      }).json,
    });
    if (props.email) new SnsTopicSubscription(this, 'Email', { topicArn: this.topic.arn, protocol: 'email', endpoint: props.email });
  }
}
