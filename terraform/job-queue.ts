import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

export interface TfJobQueueProps {
  /** Topic notified by the backlog and dead-letter alarms. */
  readonly alarmTopicArn: string;
}

/**
 * The queue of work that leaves the request path and its dead-letter queue, as the CDK
 * `JobQueue`: SSE-SQS, TLS required, long polling, 2-minute visibility, 5 receives before a job is
 * dead-lettered, 14 days in the dead-letter queue; alarms when a job is dead-lettered and when the
 * oldest waits 15 minutes.
 */
export class TfJobQueue extends Construct {
  public readonly queue: SqsQueue;
  public readonly deadLetterQueue: SqsQueue;
  public readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: TfJobQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new SqsQueue(this, 'DeadLetterQueue', {
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 86400,
      // SQS's behaviour without the setting, written out as CDK does (CT.SQS.PR.1 reads it).
      redriveAllowPolicy: Fn.jsonencode({ redrivePermission: 'allowAll' }),
    });
    this.queue = new SqsQueue(this, 'Resource', {
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: 120,
      receiveWaitTimeSeconds: 20,
      messageRetentionSeconds: 4 * 86400,
      redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: 5 }),
    });
    for (const [name, queue] of [['Policy', this.queue], ['DeadLetterQueuePolicy', this.deadLetterQueue]] as const) {
      new SqsQueuePolicy(this, name, {
        queueUrl: queue.url,
        policy: new DataAwsIamPolicyDocument(this, `${name}Document`, {
          statement: [{
            effect: 'Deny', actions: ['sqs:*'], resources: [queue.arn], principals: [{ type: 'AWS', identifiers: ['*'] }],
            condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
          }],
        }).json,
      });
    }
    const alarm = (alarmId: string, queue: SqsQueue, metricName: string, threshold: number, evaluationPeriods: number, description: string) => {
      this.alarms.push(new CloudwatchMetricAlarm(this, alarmId, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${alarmId}`, alarmDescription: description,
        namespace: 'AWS/SQS', metricName, dimensions: { QueueName: queue.name }, statistic: 'Maximum', period: 300,
        threshold, evaluationPeriods, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
        alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn],
      }));
    };
    alarm('DeadLetterAlarm', this.deadLetterQueue, 'ApproximateNumberOfMessagesVisible', 1, 1,
      'A job failed every attempt and waits in the dead-letter queue: inspect it, fix the cause, redrive it');
    alarm('BacklogAgeAlarm', this.queue, 'ApproximateAgeOfOldestMessage', 900, 3,
      'The oldest job has waited more than 15 minutes for 15 minutes: workers are too few or stuck');
  }
}
