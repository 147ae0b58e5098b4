import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARMS, SIZES } from '../core/settings';
import { metricOptions, settingAlarm } from './alarms';

export interface JobQueueProps {
  /**
   * How long a received job stays invisible to other workers; longer than the slowest job.
   * @default - `SIZES.queueVisibilityTimeoutSeconds` of core/settings.ts (2 minutes)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * Receives after which a failing job moves to the dead-letter queue.
   * @default - `SIZES.queueMaxReceiveCount` of core/settings.ts (5)
   */
  readonly maxReceiveCount?: number;
  /**
   * What happens to both queues when they leave the template.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Topic notified by the dead-letter and backlog-age alarms.
   * @default - no alarms
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * An SQS queue for work that leaves the request path, with a dead-letter queue for jobs that keep
 * failing: encrypted (SSE-SQS), TLS required, long polling, 14 days of retention in the
 * dead-letter queue. Alarms when a job is dead-lettered and when the oldest job waits too long.
 */
export class JobQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: JobQueueProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(SIZES.deadLetterRetentionDays),
      // What SQS does without the setting, written out so that the queue reads as a dead-letter
      // queue (AWS Control Tower's CT.SQS.PR.1 requires one on every queue that is not).
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
      removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'this is the dead-letter queue of the job queue; a dead-letter queue of its own would only move the same jobs again',
    });
    this.queue = new sqs.Queue(this, 'Resource', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(SIZES.queueVisibilityTimeoutSeconds),
      receiveMessageWaitTime: Duration.seconds(SIZES.queueReceiveWaitSeconds),
      retentionPeriod: Duration.days(SIZES.queueRetentionDays),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? SIZES.queueMaxReceiveCount },
      removalPolicy,
    });
    if (props.alarmTopic) this.addAlarms(props.alarmTopic);
  }

  private addAlarms(topic: sns.ITopic) {
    const { DeadLetterAlarm: deadLetter, BacklogAgeAlarm: backlogAge } = ALARMS.jobQueue;
    this.alarms.push(
      settingAlarm(this, 'DeadLetterAlarm', topic, deadLetter,
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(metricOptions(deadLetter))),
      settingAlarm(this, 'BacklogAgeAlarm', topic, backlogAge, this.queue.metricApproximateAgeOfOldestMessage(metricOptions(backlogAge))),
    );
  }
}
