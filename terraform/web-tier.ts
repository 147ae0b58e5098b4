import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig, CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbListenerRule } from '@cdktf/provider-aws/lib/lb-listener-rule';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Construct } from 'constructs';
import { ALARMS, ERROR_RATE_METRIC, LIVENESS_PATH, SIZES } from '../core/settings';
import { alarmMetric, alarmSettings } from './alarm-topic';
import { BootSettings } from '../lib/boot/boot-script';
import { tfAppInstance, TfAppInstanceSettings, tfAutoScalingNotifications, tfLaunchTemplate } from './app-instance';

export interface TfWebTierProps extends TfAppInstanceSettings {
  readonly vpcId: string;
  readonly loadBalancerSubnetIds: string[];
  readonly instanceSubnetIds: string[];
  readonly loadBalancerSecurityGroupId: string;
  readonly instanceSecurityGroupId: string;
  readonly database: NonNullable<BootSettings['database']>;
  /** Valkey for sessions and cached reads (stage 4 on). */
  readonly cache?: NonNullable<BootSettings['cache']>;
  /** The queue the app sends jobs to (stage 4 on). */
  readonly queue?: { readonly url: string; readonly arn: string };
  /**
   * Behind CloudFront (stage 4 on): every listener forwards requests carrying this header with
   * this value; unless `openToInternet` (while DNS moves), the others get 403. (The security
   * group rules, CloudFront's prefix list among them, are the caller's.)
   * @default - no CloudFront: every listener forwards
   */
  readonly cloudFront?: { readonly headerName: string; readonly headerValue: string; readonly openToInternet?: boolean };
  readonly accessLogBucket: string;
  /** With a certificate: HTTPS on 443 (TLS 1.3/1.2 policy) and HTTP redirected; HTTP only without. */
  readonly certificateArn?: string;
  readonly minCapacity: number;
  /** Above `minCapacity`: an instance refresh keeps `minCapacity` healthy while it adds a replacement. */
  readonly maxCapacity: number;
  /** Notified by the alarms and by the group's launches and terminations. */
  readonly alarmTopicArn: string;
  readonly logRetentionDays: number;
}

/**
 * An internet-facing Application Load Balancer in front of an Auto Scaling group, as the CDK
 * `WebTier`: invalid headers dropped, deletion protection, access logs; a launch template with
 * IMDSv2, encrypted gp3 and detailed monitoring; ELB health checks on the liveness path
 * `/health/live` (not the readiness `/health`) with a 10-minute grace period; target tracking on
 * CPU (70 %) and requests per target (1000 a minute); rolling instance refresh keeping full
 * capacity; launch and termination notifications; alarms on the 5xx rate, p99 latency, targets
 * failing liveness. Port 80 is always `HttpListener`, 443 always `HttpsListener` (one listener
 * per port on a load balancer): a certificate changes port 80's action, not its resource.
 */
export class TfWebTier extends Construct {
  public readonly loadBalancer: Lb;
  public readonly targetGroup: LbTargetGroup;
  public readonly autoScalingGroup: AutoscalingGroup;
  public readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: TfWebTierProps) {
    super(scope, id);
    if (props.minCapacity < 2) throw new Error(`TfWebTier needs minCapacity >= 2 (one instance per AZ), got ${props.minCapacity}`);
    // As CloudFormation's rule that MinInstancesInService stay below MaxSize: the refresh needs room for one replacement.
    if (props.maxCapacity <= props.minCapacity) {
      throw new Error(`TfWebTier needs maxCapacity > minCapacity (a rolling update keeps minCapacity in service and adds one replacement), got minCapacity ${props.minCapacity} and maxCapacity ${props.maxCapacity}: raise maxCapacity to at least ${props.minCapacity + 1}`);
    }
    const base = tfAppInstance(this, {
      app: props.app,
      imageId: props.imageId,
      logRetentionDays: props.logRetentionDays,
      boot: {
        stageLabel: props.stageLabel, region: props.region, port: props.port, database: props.database, cache: props.cache,
        queueUrl: props.queue?.url,
      },
      statements: [
        ...props.cache ? [{ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [props.cache.secretArn] }] : [],
        ...props.queue ? [{ actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [props.queue.arn] }] : [],
      ],
    });
    const launchTemplate = tfLaunchTemplate(this, base, { instanceType: props.instanceType, securityGroupId: props.instanceSecurityGroupId });
    this.loadBalancer = new Lb(this, 'LoadBalancer', {
      loadBalancerType: 'application',
      internal: false,
      subnets: props.loadBalancerSubnetIds,
      securityGroups: [props.loadBalancerSecurityGroupId],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: true,
      enableHttp2: true,
      accessLogs: { bucket: props.accessLogBucket, prefix: 'alb', enabled: true },
    });
    this.targetGroup = new LbTargetGroup(this, 'TargetGroup', {
      vpcId: props.vpcId,
      port: props.port,
      protocol: 'HTTP',
      targetType: 'instance',
      deregistrationDelay: String(SIZES.deregistrationDelaySeconds),
      healthCheck: {
        path: LIVENESS_PATH, interval: SIZES.healthCheck.intervalSeconds, timeout: SIZES.healthCheck.timeoutSeconds,
        healthyThreshold: SIZES.healthCheck.healthyThreshold, unhealthyThreshold: SIZES.healthCheck.unhealthyThreshold, matcher: '200',
      },
    });
    const forward = [{ type: 'forward', targetGroupArn: this.targetGroup.arn }];
    // One resource per port whatever the settings (a load balancer takes one listener per port);
    // behind CloudFront both stay and carry the header rule, so CloudFront can move to HTTPS
    // without a gap.
    const cloudFront = props.cloudFront;
    const open = !cloudFront || cloudFront.openToInternet === true;
    const refuse = [{ type: 'fixed-response', fixedResponse: { contentType: 'text/plain', messageBody: 'Forbidden', statusCode: '403' } }];
    const https = props.certificateArn ? new LbListener(this, 'HttpsListener', {
      loadBalancerArn: this.loadBalancer.arn, port: 443, protocol: 'HTTPS', certificateArn: props.certificateArn,
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', defaultAction: open ? forward : refuse,
    }) : undefined;
    const http = new LbListener(this, 'HttpListener', {
      loadBalancerArn: this.loadBalancer.arn, port: 80, protocol: 'HTTP',
      defaultAction: !open ? refuse : https ? [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }] : forward,
      // The redirect's target exists before port 80 turns to it.
      dependsOn: https ? [https] : undefined,
    });
    if (cloudFront) {
      for (const [id, listener] of [['FromCloudFront', http], ['HttpsFromCloudFront', https]] as const) {
        if (!listener) continue;
        new LbListenerRule(this, id, {
          listenerArn: listener.arn,
          priority: 1,
          condition: [{ httpHeader: { httpHeaderName: cloudFront.headerName, values: [cloudFront.headerValue] } }],
          action: forward,
        });
      }
    }
    this.autoScalingGroup = new AutoscalingGroup(this, 'AutoScalingGroup', {
      minSize: props.minCapacity,
      maxSize: props.maxCapacity,
      vpcZoneIdentifier: props.instanceSubnetIds,
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.toString() },
      targetGroupArns: [this.targetGroup.arn],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: SIZES.healthCheckGraceSeconds,
      defaultInstanceWarmup: SIZES.instanceWarmupSeconds,
      defaultCooldown: SIZES.scalingCooldownSeconds,
      waitForElbCapacity: props.minCapacity,
      instanceRefresh: { strategy: 'Rolling', preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 150, autoRollback: true } },
    });
    tfAutoScalingNotifications(this, this.autoScalingGroup, props.alarmTopicArn);
    new AutoscalingPolicy(this, 'CpuScaling', {
      name: `cpu-${SIZES.scalingTargetCpuPercent}`, autoscalingGroupName: this.autoScalingGroup.name, policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: { targetValue: SIZES.scalingTargetCpuPercent, predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' } },
    });
    new AutoscalingPolicy(this, 'RequestScaling', {
      name: `requests-${SIZES.scalingTargetRequestsPerMinute}`, autoscalingGroupName: this.autoScalingGroup.name, policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        targetValue: SIZES.scalingTargetRequestsPerMinute,
        predefinedMetricSpecification: {
          predefinedMetricType: 'ALBRequestCountPerTarget',
          resourceLabel: `${this.loadBalancer.arnSuffix}/${this.targetGroup.arnSuffix}`,
        },
      },
    });
    this.addAlarms(props.alarmTopicArn);
  }

  private addAlarms(topic: string) {
    const add = (id: keyof typeof ALARMS.webTier, config: Omit<CloudwatchMetricAlarmConfig, 'alarmName'>) => {
      this.alarms.push(new CloudwatchMetricAlarm(this, id, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${id}`, alarmActions: [topic], okActions: [topic], ...config,
      }));
    };
    const lb = { LoadBalancer: this.loadBalancer.arnSuffix };
    const { ErrorRateAlarm: errorRate, LatencyAlarm: latency, UnhealthyHostsAlarm: unhealthy } = ALARMS.webTier;
    add('ErrorRateAlarm', { ...alarmSettings(errorRate), metricQuery: this.errorRate(errorRate.periodSeconds) });
    add('LatencyAlarm', { ...alarmSettings(latency), ...alarmMetric(latency, lb) });
    add('UnhealthyHostsAlarm', {
      ...alarmSettings(unhealthy, { path: LIVENESS_PATH }), ...alarmMetric(unhealthy, { ...lb, TargetGroup: this.targetGroup.arnSuffix }),
    });
  }

  /** The 5xx rate (core/settings.ts `ERROR_RATE_METRIC`) over `periodSeconds`, as metric queries. */
  public errorRate(periodSeconds: number): CloudwatchMetricAlarmMetricQuery[] {
    const { expression, label, using } = ERROR_RATE_METRIC;
    return [
      { id: 'rate', expression, label, returnData: true },
      ...Object.entries(using!).map(([id, metricName]) => ({
        id, metric: { namespace: ERROR_RATE_METRIC.namespace, metricName, dimensions: { LoadBalancer: this.loadBalancer.arnSuffix }, period: periodSeconds, stat: 'Sum' },
      })),
    ];
  }
}
