import { CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { AlarmSetting, AUTO_SCALING_SERVICE_LINKED_ROLE, describeAlarm } from '../core/settings';
import { DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES } from './log-encryption-key';

export interface TfAlarmTopicProps {
  /** Subscribed by e-mail (confirm the subscription). */
  readonly email?: string;
}

/**
 * The topic every alarm and Auto Scaling group notifies, as the CDK `AlarmTopic`: encrypted with
 * a key of its own (rotation on) that CloudWatch and, through SNS only, the Auto Scaling
 * service-linked role may use (matched by ARN in a condition: the role may not exist yet, and a
 * key policy naming a missing principal is refused), publishing refused without TLS, an optional
 * e-mail subscription.
 */
export class TfAlarmTopic extends Construct {
  public readonly topic: SnsTopic;

  constructor(scope: Construct, id: string, props: TfAlarmTopicProps = {}) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    const region = new DataAwsRegion(this, 'Region');
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
          {
            sid: 'AllowAutoScalingNotifications',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            resources: ['*'],
            principals: [{ type: 'AWS', identifiers: ['*'] }],
            condition: [
              {
                test: 'ArnLike',
                variable: 'aws:PrincipalArn',
                values: [`arn:${partition.partition}:iam::${account.accountId}:role/aws-service-role/autoscaling.amazonaws.com/${AUTO_SCALING_SERVICE_LINKED_ROLE}*`],
              },
              { test: 'StringEquals', variable: 'kms:CallerAccount', values: [account.accountId] },
              { test: 'StringEquals', variable: 'kms:ViaService', values: [`sns.${region.region}.amazonaws.com`] },
            ],
          },
          DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES,
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

/**
 * The threshold, evaluation periods, comparison, missing-data treatment and description of
 * `setting` (core/settings.ts), as the CDK side's `alarmProps`. `vars` fills the description's own
 * placeholders (`{path}`, `{region}`).
 */
export function alarmSettings(setting: AlarmSetting, vars: Record<string, string> = {}):
Pick<CloudwatchMetricAlarmConfig, 'threshold' | 'evaluationPeriods' | 'comparisonOperator' | 'treatMissingData' | 'alarmDescription'> {
  return {
    threshold: setting.threshold,
    evaluationPeriods: setting.evaluationPeriods,
    comparisonOperator: setting.comparison,
    treatMissingData: setting.missingData ?? 'missing',
    alarmDescription: describeAlarm(setting, vars),
  };
}

/** The metric of `setting` on `dimensions`: namespace, name, period and statistic (a percentile as the extended statistic). */
export function alarmMetric(setting: AlarmSetting, dimensions: Record<string, string>):
Pick<CloudwatchMetricAlarmConfig, 'namespace' | 'metricName' | 'dimensions' | 'period' | 'statistic' | 'extendedStatistic'> {
  const statistic = /^p\d/.test(setting.statistic) ? { extendedStatistic: setting.statistic } : { statistic: setting.statistic };
  return { namespace: setting.metric.namespace, metricName: setting.metric.name, dimensions, period: setting.periodSeconds, ...statistic };
}
