import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARMS, ERROR_RATE_METRIC, LIVENESS_PATH, SIZES } from '../core/settings';
import { metricOptions, settingAlarm } from './alarms';
import { AppInstanceOptions, appLaunchTemplate, CacheConnection, DatabaseConnection } from './app-instance';

/** The liveness path the load balancer and the group act on (defined once in core/settings). */
export { LIVENESS_PATH };


/** How CloudFront reaches the load balancer (stage 4 on). */
export interface CloudFrontOrigin {
  /** ID of the CloudFront origin-facing managed prefix list of the region (see CloudFrontPrefixList). */
  readonly prefixListId: string;
  /** Name of the header CloudFront adds to every origin request. */
  readonly headerName: string;
  /** Its secret value, typically a Secrets Manager dynamic reference. */
  readonly headerValue: string;
  /**
   * Also keep the listener ports open to the internet and serve requests without the header,
   * while DNS moves to CloudFront. CloudFront's own rules exist either way, so closing the origin
   * is a deploy that only removes the internet's rules and turns the default action to 403.
   * @default false
   */
  readonly openToInternet?: boolean;
}

export interface WebTierProps extends AppInstanceOptions {
  /** VPC of the load balancer and the instances. */
  readonly vpc: ec2.IVpc;
  /** Public subnets of the load balancer, in at least 2 AZs. */
  readonly loadBalancerSubnets: ec2.SubnetSelection;
  /** Private subnets of the instances, with a route to the internet (NAT). */
  readonly instanceSubnets: ec2.SubnetSelection;
  /** Security group of the load balancer; this construct opens its listener ports to the internet. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** Security group of the instances; this construct admits the load balancer on `port`. */
  readonly instanceSecurityGroup: ec2.ISecurityGroup;
  /** The database the app uses. */
  readonly database: DatabaseConnection;
  /**
   * Valkey for sessions and cached reads.
   * @default - sessions in the database, no cache
   */
  readonly cache?: CacheConnection;
  /**
   * Queue the app sends jobs to.
   * @default - jobs run in the web process
   */
  readonly queue?: sqs.IQueue;
  /**
   * CloudFront in front: its origin-facing addresses admitted on both listener ports (one rule),
   * requests carrying the secret header forwarded on every listener; unless `openToInternet`,
   * nothing else is admitted and requests without the header get 403.
   * @default - no CloudFront: the listener ports are open to the internet
   */
  readonly cloudFront?: CloudFrontOrigin;
  /** Bucket receiving the load balancer's access logs (SSE-S3: ALB cannot write SSE-KMS). */
  readonly accessLogBucket: s3.IBucket;
  /**
   * Certificate of the HTTPS listener. Without one the load balancer serves plain HTTP.
   * @default - HTTP only
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Instances in service at all times; at least 2, one per AZ.
   * @default - `SIZES.webCapacity.min` of core/settings.ts (2)
   */
  readonly minCapacity?: number;
  /**
   * Upper bound of scaling out; above `minCapacity`, since a rolling update keeps `minCapacity`
   * in service while it adds the replacement.
   * @default - `SIZES.webCapacity.max` of core/settings.ts (6)
   */
  readonly maxCapacity?: number;
  /**
   * Image of the instances, for Graviton (arm64). Pin one (`ec2.MachineImage.genericLinux`) so
   * that an image update (a rolling replacement) is a deliberate change.
   * @default - the latest Amazon Linux 2023 arm64 image when the launch template is created or
   * changed; a new release alone rolls nothing (see `amazonLinux2023Arm64`)
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Requests per target per minute that scaling out keeps under.
   * @default - `SIZES.scalingTargetRequestsPerMinute` of core/settings.ts (1000)
   */
  readonly requestsPerTargetPerMinute?: number;
}

/**
 * An Application Load Balancer in front of an Auto Scaling group of app instances in private
 * subnets across AZs: HTTPS (HTTP redirected) when given a certificate, invalid headers dropped,
 * access logs, deletion protection; a launch template with IMDSv2 and encrypted volumes; ELB
 * health checks on the liveness path `/health/live` (not `/health`, whose database and cache
 * checks would make a dependency failover replace the whole fleet); target tracking on CPU and
 * on requests per target; rolling replacement that waits for each new instance to report
 * healthy. Alarms on the 5xx rate, p99 latency and targets failing liveness.
 *
 * Port 80 is always the listener `HttpListener` (forward, redirect to 443 with a certificate, or
 * 403 without CloudFront's header), and 443, with a certificate, always `HttpsListener`: adding
 * or removing the certificate or CloudFront changes a listener's action, never the ID of the
 * listener on a port (a load balancer takes one listener per port, and CloudFormation creates a
 * new one before it deletes the old). Behind CloudFront both listeners and the one prefix-list
 * rule stay whatever the certificate, so CloudFront can move to HTTPS without a gap.
 */
export class WebTier extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  public readonly targetGroup: elbv2.ApplicationTargetGroup;
  public readonly appLogGroup: logs.LogGroup;
  public readonly systemLogGroup: logs.LogGroup;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: WebTierProps) {
    super(scope, id);
    const minCapacity = props.minCapacity ?? SIZES.webCapacity.min;
    const maxCapacity = props.maxCapacity ?? SIZES.webCapacity.max;
    if (minCapacity < 2) {
      throw new Error(`WebTier needs minCapacity >= 2 (one instance per AZ), got ${minCapacity}`);
    }
    // CloudFormation refuses a rolling update whose MinInstancesInService is not below MaxSize:
    // the update keeps minCapacity in service and needs room for one replacement.
    if (maxCapacity <= minCapacity) {
      throw new Error(`WebTier needs maxCapacity > minCapacity (a rolling update keeps minCapacity in service and adds one replacement), got minCapacity ${minCapacity} and maxCapacity ${maxCapacity}: raise maxCapacity to at least ${minCapacity + 1}`);
    }
    const { launchTemplate, role, userData, appLogGroup, systemLogGroup } = appLaunchTemplate(this, {
      ...props,
      securityGroup: props.instanceSecurityGroup,
      boot: { database: props.database, cache: props.cache, queueUrl: props.queue?.queueUrl },
    });
    this.appLogGroup = appLogGroup;
    this.systemLogGroup = systemLogGroup;
    props.database.secret.grantRead(role);
    props.cache?.authToken.grantRead(role);
    props.queue?.grantSendMessages(role);

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.loadBalancerSubnets,
      internetFacing: true,
      securityGroup: props.loadBalancerSecurityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: true,
      http2Enabled: true,
    });
    this.loadBalancer.logAccessLogs(props.accessLogBucket, 'alb');

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: props.vpc,
      vpcSubnets: props.instanceSubnets,
      launchTemplate,
      minCapacity,
      maxCapacity,
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.seconds(SIZES.healthCheckGraceSeconds),
      }),
      defaultInstanceWarmup: Duration.seconds(SIZES.instanceWarmupSeconds),
      cooldown: Duration.seconds(SIZES.scalingCooldownSeconds),
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.seconds(SIZES.rollingUpdate.pauseSeconds) }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: SIZES.rollingUpdate.maxBatchSize,
        minInstancesInService: minCapacity,
        pauseTime: Duration.seconds(SIZES.rollingUpdate.pauseSeconds),
        waitOnResourceSignals: true,
      }),
      notifications: [{ topic: props.alarmTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
    });
    userData.addSignalOnExitCommand(this.autoScalingGroup);
    // A group in a VPC takes its AZs from its subnets, but Control Tower's CT.AUTOSCALING.PR.1 hook
    // reads the AvailabilityZones property: name the same AZs (an update without interruption).
    (this.autoScalingGroup.node.defaultChild as autoscaling.CfnAutoScalingGroup).availabilityZones =
      props.vpc.selectSubnets(props.instanceSubnets).availabilityZones;

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: props.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.autoScalingGroup],
      deregistrationDelay: Duration.seconds(SIZES.deregistrationDelaySeconds),
      healthCheck: {
        path: LIVENESS_PATH,
        interval: Duration.seconds(SIZES.healthCheck.intervalSeconds),
        timeout: Duration.seconds(SIZES.healthCheck.timeoutSeconds),
        healthyThresholdCount: SIZES.healthCheck.healthyThreshold,
        unhealthyThresholdCount: SIZES.healthCheck.unhealthyThreshold,
        healthyHttpCodes: '200',
      },
    });
    this.addListeners(props);

    this.autoScalingGroup.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: SIZES.scalingTargetCpuPercent });
    this.autoScalingGroup.scaleOnRequestCount('RequestScaling', {
      targetRequestsPerMinute: props.requestsPerTargetPerMinute ?? SIZES.scalingTargetRequestsPerMinute,
    });
    this.addAlarms(props.alarmTopic);
  }

  /**
   * One listener per port, each under one ID whatever the settings (see the class comment), and
   * behind CloudFront one security-group rule for its prefix list on ports 80-443: the list
   * counts as 55 of the group's 60 rules, so the rule must never be replaced (a replacement is
   * created before the old rule is deleted), as a port of its own per certificate would be.
   */
  private addListeners(props: WebTierProps) {
    const cloudFront = props.cloudFront;
    const open = !cloudFront || cloudFront.openToInternet === true;
    const forward = { defaultTargetGroups: [this.targetGroup] };
    const refuse = { defaultAction: elbv2.ListenerAction.fixedResponse(403, { contentType: 'text/plain', messageBody: 'Forbidden' }) };
    const listeners: elbv2.ApplicationListener[] = [];
    const https = props.certificate && this.loadBalancer.addListener('HttpsListener', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [props.certificate],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open,
      ...(open ? forward : refuse),
    });
    // Viewers who reach the load balancer directly are sent from HTTP to HTTPS.
    const http = this.loadBalancer.addListener('HttpListener', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      open,
      ...(!open ? refuse : https ? { defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }) } : forward),
    });
    if (https) {
      // The redirect's target is created (and the rules on it) before port 80 turns to it.
      http.node.addDependency(https);
      listeners.push(https);
    }
    listeners.push(http);
    if (!cloudFront) return;
    props.loadBalancerSecurityGroup.addIngressRule(ec2.Peer.prefixList(cloudFront.prefixListId), ec2.Port.tcpRange(80, 443),
      'CloudFront origin-facing addresses, on the listener ports (80 and 443)');
    for (const listener of listeners) {
      listener.addAction('FromCloudFront', {
        priority: 1,
        conditions: [elbv2.ListenerCondition.httpHeader(cloudFront.headerName, [cloudFront.headerValue])],
        action: elbv2.ListenerAction.forward([this.targetGroup]),
      });
    }
  }

  /** Requests answered with 5xx (by the load balancer or a target), in percent of all requests. */
  public metricErrorRate(period = Duration.minutes(1)): cloudwatch.MathExpression {
    const lb = this.loadBalancer.metrics;
    return new cloudwatch.MathExpression({
      expression: ERROR_RATE_METRIC.expression!,
      usingMetrics: {
        elb5xx: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period, statistic: 'Sum' }),
        target5xx: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: 'Sum' }),
        requests: lb.requestCount({ period, statistic: 'Sum' }),
      },
      label: ERROR_RATE_METRIC.label,
      period,
    });
  }

  private addAlarms(topic: sns.ITopic) {
    const { ErrorRateAlarm: errorRate, LatencyAlarm: latency, UnhealthyHostsAlarm: unhealthy } = ALARMS.webTier;
    this.alarms.push(
      settingAlarm(this, 'ErrorRateAlarm', topic, errorRate, this.metricErrorRate(Duration.seconds(errorRate.periodSeconds))),
      settingAlarm(this, 'LatencyAlarm', topic, latency, this.loadBalancer.metrics.targetResponseTime(metricOptions(latency))),
      settingAlarm(this, 'UnhealthyHostsAlarm', topic, unhealthy, this.targetGroup.metrics.unhealthyHostCount(metricOptions(unhealthy)),
        { path: LIVENESS_PATH }),
    );
  }
}
