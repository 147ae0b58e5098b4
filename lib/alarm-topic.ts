import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /**
   * E-mail address subscribed to the topic (the recipient confirms once).
   * @default - no subscription; subscribe a pager or chat integration yourself
   */
  readonly email?: string;
}

/**
 * The SNS topic every alarm notifies. Encrypted with a customer-managed key, because CloudWatch
 * cannot publish to a topic encrypted with the AWS-managed SNS key; refuses non-TLS publishers.
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the alarm topic',
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));
    this.topic = new sns.Topic(this, 'Resource', {
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    }
  }
}

/** An alarm in `scope` that notifies `topic` when it fires and again when it recovers. */
export function notifyingAlarm(scope: Construct, id: string, topic: sns.ITopic, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, props);
  const notify = new actions.SnsAction(topic);
  alarm.addAlarmAction(notify);
  alarm.addOkAction(notify);
  return alarm;
}
