import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ALARMS, SIZES } from '../core/settings';
import { alarmMetric, alarmSettings } from './alarm-topic';

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
      messageRetentionSeconds: SIZES.deadLetterRetentionDays * 86400,
      // SQS's behaviour without the setting, written out as CDK does (CT.SQS.PR.1 reads it).
      redriveAllowPolicy: Fn.jsonencode({ redrivePermission: 'allowAll' }),
    });
    this.queue = new SqsQueue(this, 'Resource', {
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: SIZES.queueVisibilityTimeoutSeconds,
      receiveWaitTimeSeconds: SIZES.queueReceiveWaitSeconds,
      messageRetentionSeconds: SIZES.queueRetentionDays * 86400,
      redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: SIZES.queueMaxReceiveCount }),
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
    const alarm = (alarmId: keyof typeof ALARMS.jobQueue, queue: SqsQueue) => {
      const setting = ALARMS.jobQueue[alarmId];
      this.alarms.push(new CloudwatchMetricAlarm(this, alarmId, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${alarmId}`,
        ...alarmMetric(setting, { QueueName: queue.name }), ...alarmSettings(setting),
        alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn],
      }));
    };
    alarm('DeadLetterAlarm', this.deadLetterQueue);
    alarm('BacklogAgeAlarm', this.queue);
  }
}
