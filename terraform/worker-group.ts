import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';
import { BootSettings } from '../lib/boot/boot-script';
import { tfAppInstance, TfAppInstanceSettings, tfAutoScalingNotifications, tfLaunchTemplate } from './app-instance';

export interface TfWorkerGroupProps extends TfAppInstanceSettings {
  /** Private subnets of the workers. */
  readonly subnetIds: string[];
  /** The workers' security group: nothing needs to reach them. */
  readonly securityGroupId: string;
  /** How the workers reach the database (the secret, hosts, migrations). */
  readonly database: NonNullable<BootSettings['database']>;
  /** How the workers reach the cache. */
  readonly cache: NonNullable<BootSettings['cache']>;
  /** The queue they consume. */
  readonly queue: { readonly url: string; readonly arn: string; readonly name: string };
  /**
   * Fewest workers.
   * @default - `SIZES.workerCapacity.min` of core/settings.ts (1)
   */
  readonly minCapacity?: number;
  /**
   * Most workers, at least `minCapacity`.
   * @default - `SIZES.workerCapacity.max` of core/settings.ts (4)
   */
  readonly maxCapacity?: number;
  /**
   * Visible jobs per worker that scaling keeps the group at.
   * @default - `SIZES.backlogPerWorker` of core/settings.ts (100)
   */
  readonly backlogPerInstance?: number;
  /** Notified of the group's launches and terminations. */
  readonly alarmTopicArn: string;
}

/**
 * Worker instances that consume the job queue, as the CDK `WorkerGroup`: the app's worker command,
 * a launch template with IMDSv2 and encrypted gp3, target tracking on visible jobs per in-service
 * worker (metric math), rolling instance refresh, launch and termination notifications. Workers
 * serve no HTTP.
 */
export class TfWorkerGroup extends Construct {
  public readonly autoScalingGroup: AutoscalingGroup;

  constructor(scope: Construct, id: string, props: TfWorkerGroupProps) {
    super(scope, id);
    const [min, max] = [props.minCapacity ?? SIZES.workerCapacity.min, props.maxCapacity ?? SIZES.workerCapacity.max];
    // As the CDK WorkerGroup: a group of workers runs at least one (scaling reads the backlog per
    // in-service worker, and no worker would ever take the first job).
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min) {
      throw new Error(`TfWorkerGroup needs whole numbers 1 <= minCapacity <= maxCapacity, got ${min} and ${max}`);
    }
    if (props.backlogPerInstance !== undefined && !(props.backlogPerInstance > 0)) {
      throw new Error(`TfWorkerGroup backlogPerInstance must be above 0 (visible jobs per worker), got ${props.backlogPerInstance}`);
    }
    const base = tfAppInstance(this, {
      app: { ...props.app, startCommand: `${props.app.startCommand} worker` },
      imageId: props.imageId,
      logRetentionDays: props.logRetentionDays,
      boot: {
        stageLabel: props.stageLabel, region: props.region, port: props.port, database: props.database, cache: props.cache,
        queueUrl: props.queue.url, healthCheck: 'process',
      },
      statements: [
        { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [props.cache.secretArn] },
        { actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [props.queue.arn] },
      ],
    });
    const launchTemplate = tfLaunchTemplate(this, base, { instanceType: props.instanceType, securityGroupId: props.securityGroupId });
    this.autoScalingGroup = new AutoscalingGroup(this, 'AutoScalingGroup', {
      minSize: min,
      maxSize: max,
      vpcZoneIdentifier: props.subnetIds,
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.toString() },
      defaultInstanceWarmup: SIZES.instanceWarmupSeconds,
      enabledMetrics: ['GroupInServiceInstances'],
      instanceRefresh: { strategy: 'Rolling', preferences: { minHealthyPercentage: min > 1 ? 50 : 0, autoRollback: true } },
    });
    tfAutoScalingNotifications(this, this.autoScalingGroup, props.alarmTopicArn);
    new AutoscalingPolicy(this, 'BacklogScaling', {
      name: 'backlog-per-worker',
      autoscalingGroupName: this.autoScalingGroup.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        targetValue: props.backlogPerInstance ?? SIZES.backlogPerWorker,
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'visible', returnData: false,
              metricStat: { stat: 'Sum', metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: [{ name: 'QueueName', value: props.queue.name }] } },
            },
            {
              id: 'workers', returnData: false,
              metricStat: { stat: 'Average', metric: { namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimensions: [{ name: 'AutoScalingGroupName', value: this.autoScalingGroup.name }] } },
            },
            { id: 'backlog', expression: 'visible / MAX([workers, 1])', label: 'Visible jobs per worker', returnData: true },
          ],
        },
      },
    });
  }
}
