import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { AUTO_SCALING_SERVICE_LINKED_ROLE, DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES } from '../core/settings';

export interface AlarmTopicProps {
  /**
   * E-mail address subscribed to the topic (the recipient confirms once).
   * @default - no subscription; subscribe a pager or chat integration yourself
   */
  readonly email?: string;
}

/** Name of the service-linked role EC2 Auto Scaling publishes group notifications as (defined once in core/settings). */
export { AUTO_SCALING_SERVICE_LINKED_ROLE };

/**
 * The SNS topic every alarm and Auto Scaling group notifies. Encrypted with a customer-managed
 * key, because CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; the
 * key admits CloudWatch and, through SNS only, the Auto Scaling service-linked role, and lets
 * nobody but AWS services create grants on it. Refuses non-TLS publishers.
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
    // An Auto Scaling group publishes its notifications (and, when created, a test notification it
    // must deliver) as the service-linked role, so SNS asks KMS for a data key on that role's
    // behalf. Naming the role as the principal would make key creation fail
    // (MalformedPolicyDocumentException) in an account whose first group, and so the role, comes
    // after this key; matching its ARN in a condition does not need it to exist. Native group
    // notifications are kept rather than an EventBridge rule per group, so the key needs no
    // further service and the groups no further resources.
    const stack = Stack.of(this);
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowAutoScalingNotifications',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'aws:PrincipalArn': `arn:${stack.partition}:iam::${stack.account}:role/aws-service-role/autoscaling.amazonaws.com/${AUTO_SCALING_SERVICE_LINKED_ROLE}*` },
        StringEquals: { 'kms:CallerAccount': stack.account, 'kms:ViaService': `sns.${stack.region}.amazonaws.com` },
      },
    }));
    this.key.addToResourcePolicy(iam.PolicyStatement.fromJson(DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES));
    this.topic = new sns.Topic(this, 'Resource', {
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.email) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    }
  }
}
