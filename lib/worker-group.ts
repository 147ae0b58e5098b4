import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';
import { AppInstanceOptions, appLaunchTemplate, CacheConnection, DatabaseConnection } from './app-instance';

export interface WorkerGroupProps extends AppInstanceOptions {
  /** VPC of the instances. */
  readonly vpc: ec2.IVpc;
  /** Private subnets of the instances, with a route to the internet (NAT). */
  readonly subnets: ec2.SubnetSelection;
  /** Security group of the instances. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** The queue the workers consume. */
  readonly queue: sqs.IQueue;
  /** The database the jobs write to. */
  readonly database: DatabaseConnection;
  /**
   * Valkey, for jobs that read or invalidate cached data.
   * @default - no cache
   */
  readonly cache?: CacheConnection;
  /**
   * Fewest workers.
   * @default - `SIZES.workerCapacity.min` of core/settings.ts (1)
   */
  readonly minCapacity?: number;
  /**
   * Most workers.
   * @default - `SIZES.workerCapacity.max` of core/settings.ts (4)
   */
  readonly maxCapacity?: number;
  /**
   * Visible jobs per worker that scaling keeps the group at.
   * @default - `SIZES.backlogPerWorker` of core/settings.ts (100)
   */
  readonly backlogPerInstance?: number;
  /**
   * Image of the workers, for Graviton (arm64). Pin one (`ec2.MachineImage.genericLinux`) so that
   * an image update (a rolling replacement) is a deliberate change.
   * @default - the latest Amazon Linux 2023 arm64 image when the launch template is created or
   * changed; a new release alone rolls nothing (see `amazonLinux2023Arm64`)
   */
  readonly machineImage?: ec2.IMachineImage;
}

/**
 * Worker instances that consume the job queue: an Auto Scaling group in private subnets from a
 * launch template with IMDSv2 and encrypted volumes, running the app's worker command, scaled by
 * target tracking on the backlog per instance (visible jobs / in-service workers), replaced one at
 * a time on change. Workers serve no HTTP, so nothing reaches them.
 */
export class WorkerGroup extends Construct {
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly appLogGroup: logs.LogGroup;
  public readonly systemLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WorkerGroupProps) {
    super(scope, id);
    const minCapacity = props.minCapacity ?? SIZES.workerCapacity.min;
    const maxCapacity = props.maxCapacity ?? SIZES.workerCapacity.max;
    if (!Number.isInteger(minCapacity) || !Number.isInteger(maxCapacity) || minCapacity < 1 || maxCapacity < minCapacity) {
      throw new Error(`WorkerGroup needs whole numbers 1 <= minCapacity <= maxCapacity, got ${minCapacity} and ${maxCapacity}`);
    }
    const { launchTemplate, role, userData, appLogGroup, systemLogGroup } = appLaunchTemplate(this, {
      ...props,
      app: { ...props.app, startCommand: `${props.app.startCommand} worker` },
      boot: { database: props.database, cache: props.cache, queueUrl: props.queue.queueUrl, healthCheck: 'process' },
    });
    this.appLogGroup = appLogGroup;
    this.systemLogGroup = systemLogGroup;
    props.database.secret.grantRead(role);
    props.cache?.authToken.grantRead(role);
    props.queue.grantConsumeMessages(role);
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      launchTemplate,
      minCapacity,
      maxCapacity,
      defaultInstanceWarmup: Duration.seconds(SIZES.instanceWarmupSeconds),
      groupMetrics: [new autoscaling.GroupMetrics(autoscaling.GroupMetric.IN_SERVICE_INSTANCES)],
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.seconds(SIZES.rollingUpdate.pauseSeconds) }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: SIZES.rollingUpdate.maxBatchSize,
        minInstancesInService: minCapacity - 1,
        pauseTime: Duration.seconds(SIZES.rollingUpdate.pauseSeconds),
        waitOnResourceSignals: true,
      }),
      notifications: [{ topic: props.alarmTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
    });
    userData.addSignalOnExitCommand(this.autoScalingGroup);
    // A group in a VPC takes its AZs from its subnets, but Control Tower's CT.AUTOSCALING.PR.1 hook
    // reads the AvailabilityZones property: name the same AZs (an update without interruption).
    (this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones =
      props.vpc.selectSubnets(props.subnets).availabilityZones;
    this.scaleOnBacklog(props.queue, props.backlogPerInstance ?? SIZES.backlogPerWorker);
  }

  /**
   * Target tracking on visible jobs per in-service worker, the metric AWS recommends for queue
   * workers. CDK's target tracking takes only direct metrics, so the policy is written in L1.
   */
  private scaleOnBacklog(queue: sqs.IQueue, target: number) {
    const visible = queue.metricApproximateNumberOfMessagesVisible().toMetricConfig().metricStat!;
    new autoscaling.CfnScalingPolicy(this, 'BacklogScaling', {
      autoScalingGroupName: this.autoScalingGroup.autoScalingGroupName,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        targetValue: target,
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'visible',
              returnData: false,
              metricStat: {
                metric: { namespace: visible.namespace, metricName: visible.metricName, dimensions: visible.dimensions },
                stat: 'Sum',
              },
            },
            {
              id: 'workers',
              returnData: false,
              metricStat: {
                metric: {
                  namespace: 'AWS/AutoScaling',
                  metricName: 'GroupInServiceInstances',
                  dimensions: [{ name: 'AutoScalingGroupName', value: this.autoScalingGroup.autoScalingGroupName }],
                },
                stat: 'Average',
              },
            },
            { id: 'backlog', expression: 'visible / MAX([workers, 1])', label: 'Visible jobs per worker', returnData: true },
          ],
        },
      },
    });
  }
}
