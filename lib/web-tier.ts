import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { notifyingAlarm } from './alarm-topic';
import { appLaunchTemplate } from './app-launch-template';
import { AppInstanceOptions, DatabaseConnection } from './boot/user-data';

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
  /** Bucket receiving the load balancer's access logs (SSE-S3: ALB cannot write SSE-KMS). */
  readonly accessLogBucket: s3.IBucket;
  /**
   * Certificate of the HTTPS listener. Without one the load balancer serves plain HTTP.
   * @default - HTTP only
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Instances in service at all times; at least 2, one per AZ.
   * @default 2
   */
  readonly minCapacity?: number;
  /**
   * Upper bound of scaling out.
   * @default 6
   */
  readonly maxCapacity?: number;
  /**
   * Requests per target per minute that scaling out keeps under.
   * @default 1000
   */
  readonly requestsPerTargetPerMinute?: number;
}

/**
 * An Application Load Balancer in front of an Auto Scaling group of app instances in private
 * subnets across AZs: HTTPS (HTTP redirected) when given a certificate, invalid headers dropped,
 * access logs, deletion protection; a launch template with IMDSv2 and encrypted volumes; ELB
 * health checks on `/health`; target tracking on CPU and on requests per target; rolling
 * replacement that waits for each new instance to report healthy. Alarms on the 5xx rate,
 * p99 latency and unhealthy hosts.
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
    const minCapacity = props.minCapacity ?? 2;
    const maxCapacity = props.maxCapacity ?? 6;
    if (minCapacity < 2 || maxCapacity < minCapacity) {
      throw new Error(`WebTier needs 2 <= minCapacity <= maxCapacity, got ${minCapacity} and ${maxCapacity}`);
    }
    const { launchTemplate, role, userData, appLogGroup, systemLogGroup } = appLaunchTemplate(this, {
      ...props,
      securityGroup: props.instanceSecurityGroup,
      boot: { database: props.database },
    });
    this.appLogGroup = appLogGroup;
    this.systemLogGroup = systemLogGroup;
    props.database.secret.grantRead(role);

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
        gracePeriod: Duration.minutes(10),
      }),
      defaultInstanceWarmup: Duration.minutes(3),
      cooldown: Duration.minutes(5),
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: Duration.minutes(15) }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: 1,
        minInstancesInService: minCapacity,
        pauseTime: Duration.minutes(15),
        waitOnResourceSignals: true,
      }),
      notifications: [{ topic: props.alarmTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
    });
    userData.addSignalOnExitCommand(this.autoScalingGroup);

    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.vpc,
      port: props.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.autoScalingGroup],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: '/health',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
        healthyHttpCodes: '200',
      },
    });
    this.addListeners(props);

    this.autoScalingGroup.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: 70 });
    this.autoScalingGroup.scaleOnRequestCount('RequestScaling', {
      targetRequestsPerMinute: props.requestsPerTargetPerMinute ?? 1000,
    });
    this.addAlarms(props.alarmTopic);
  }

  private addListeners(props: WebTierProps) {
    if (props.certificate) {
      this.loadBalancer.addListener('HttpsListener', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultTargetGroups: [this.targetGroup],
      });
      this.loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    } else {
      this.loadBalancer.addListener('HttpListener', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultTargetGroups: [this.targetGroup],
      });
    }
  }

  private addAlarms(topic: sns.ITopic) {
    const add = (id: string, metric: cloudwatch.IMetric, threshold: number, evaluationPeriods: number, description: string) => {
      this.alarms.push(notifyingAlarm(this, id, topic, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }));
    };
    const period = Duration.minutes(1);
    const lb = this.loadBalancer.metrics;
    const errorRate = new cloudwatch.MathExpression({
      expression: '100 * (elb5xx + target5xx) / MAX([requests, 1])',
      usingMetrics: {
        elb5xx: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period, statistic: 'Sum' }),
        target5xx: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: 'Sum' }),
        requests: lb.requestCount({ period, statistic: 'Sum' }),
      },
      label: '5xx rate (%)',
      period,
    });
    add('ErrorRateAlarm', errorRate, 5, 5, 'More than 5 % of requests failed with 5xx for 5 minutes');
    add('LatencyAlarm', lb.targetResponseTime({ period, statistic: 'p99' }), 2, 5,
      'p99 target response time above 2 s for 5 minutes: scale out, or look at the database');
    add('UnhealthyHostsAlarm', this.targetGroup.metrics.unhealthyHostCount({ period, statistic: 'Maximum' }), 1, 5,
      'At least one target failed its /health check for 5 minutes');
  }
}
