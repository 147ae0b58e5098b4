/**
 * Where each component lives: its stack and its construct ID. Every stage places components
 * through these functions, so an ID is written once and cannot drift between stages. Logical IDs
 * and stack names are a public contract: an upgrade that changed one would replace what it holds.
 */
import { App, CfnOutput, Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { GrowthConfig } from '../core/config';
import { APP_PORT, AZ_COUNT, DATABASE_PORT, stackName, StackRole, SUBNET_TIERS } from '../core/naming';
import { moveUpAlarmName } from '../core/stages';
import { Construct } from 'constructs';
import { AccessLogBucket } from '../lib/access-log-bucket';
import { AlarmTopic } from '../lib/alarm-topic';
import { AuroraDatabase } from '../lib/aurora-database';
import { DatabaseConnection } from '../lib/boot/user-data';
import { DataVolume } from '../lib/data-volume';
import { Network } from '../lib/network';
import { SingleBox } from '../lib/single-box';
import { StageDashboard } from '../lib/stage-dashboard';
import { WebTier } from '../lib/web-tier';
import { referenceApp } from './reference-app';

const DESCRIPTIONS: Record<StackRole, string> = {
  network: 'VPC, flow logs, security groups and the alarm topic (stateful: termination protection)',
  data: 'Databases and volumes (stateful: termination protection)',
  app: 'Compute, load balancing, alarms and dashboard (stateless: safe to replace)',
};

/** What every stage has: the three stacks, the VPC, the alarm topic and the app's security group. */
export interface Foundation {
  readonly config: GrowthConfig;
  readonly network: Stack;
  readonly data: Stack;
  readonly app: Stack;
  readonly vpc: ec2.Vpc;
  readonly alarmTopic: AlarmTopic;
  /**
   * Security group of whatever runs the app (the box, later the Auto Scaling group). It lives in
   * the network stack so the data tier can admit it without depending on the app stack.
   */
  readonly appSecurityGroup: ec2.SecurityGroup;
  readonly logRetention: logs.RetentionDays;
  readonly stageLabel: string;
}

export interface FoundationOptions {
  /** NAT gateways for the app tier; 0 until the app leaves the public subnet (stage 3). */
  readonly natGateways: number;
}

export function foundation(app: App, config: GrowthConfig, options: FoundationOptions): Foundation {
  const stack = (role: StackRole, terminationProtection: boolean) => {
    const name = stackName(config.appName, role);
    return new Stack(app, name, {
      stackName: name,
      env: { region: config.region },
      terminationProtection,
      description: `growth-stages ${config.appName}: ${DESCRIPTIONS[role]}`,
    });
  };
  const network = stack('network', true);
  const data = stack('data', true);
  const appStack = stack('app', false);
  data.addStackDependency(network);
  appStack.addStackDependency(data);

  const logRetention = config.logRetentionDays as logs.RetentionDays;
  const net = new Network(network, 'Network', {
    cidr: config.vpcCidr,
    maxAzs: AZ_COUNT,
    tiers: [...SUBNET_TIERS],
    natGateways: options.natGateways,
    flowLogRetention: logRetention,
  });
  const appSecurityGroup = new ec2.SecurityGroup(network, 'AppSecurityGroup', {
    vpc: net.vpc,
    description: 'App instances',
    allowAllOutbound: true,
  });
  return {
    config,
    network,
    data,
    app: appStack,
    vpc: net.vpc,
    alarmTopic: new AlarmTopic(network, 'Alarms', { email: config.alarmEmail }),
    appSecurityGroup,
    logRetention,
    stageLabel: `${config.stage.number} ${config.stage.name}`,
  };
}

/** While the app is served straight from a public subnet: HTTP and HTTPS from anywhere. */
export function openToInternet(f: Foundation) {
  f.appSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(APP_PORT), 'HTTP from the internet');
  f.appSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
  Validations.of(f.appSecurityGroup).acknowledge({
    id: 'AwsSolutions-EC23',
    reason: 'stages 1-2 serve the app from this instance, so ports 80 and 443 (only) are open to the internet; stage 3 admits only the load balancer',
  });
}

/** The volume of stage 1's PostgreSQL, in the AZ of the box. */
export function dataVolume(f: Foundation): DataVolume {
  return new DataVolume(f.data, 'DataVolume', {
    availabilityZone: f.vpc.availabilityZones[0],
    size: Size.gibibytes(20),
    removalPolicy: RemovalPolicy.SNAPSHOT,
  });
}

export interface DatabaseOptions {
  /** Readers in other AZs. */
  readonly readers: number;
}

/** The Aurora cluster created at stage 2; every later stage keeps it, stage 5 makes it global. */
export function auroraDatabase(f: Foundation, options: DatabaseOptions): AuroraDatabase {
  const db = new AuroraDatabase(f.data, 'Database', {
    vpc: f.vpc,
    subnets: { subnetGroupName: 'Data' },
    port: DATABASE_PORT,
    readers: options.readers,
    minCapacity: f.config.dbMinCapacity,
    maxCapacity: f.config.dbMaxCapacity,
    alarmTopic: f.alarmTopic.topic,
    logRetention: f.logRetention,
  });
  db.connections.allowFrom(f.appSecurityGroup, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the app');
  return db;
}

export interface SingleBoxOptions {
  readonly dataVolume?: DataVolume;
  readonly database?: DatabaseConnection;
}

/** The box of stages 1 and 2. */
export function singleBox(f: Foundation, options: SingleBoxOptions): SingleBox {
  return new SingleBox(f.app, 'Box', {
    vpc: f.vpc,
    app: referenceApp(),
    port: APP_PORT,
    instanceType: new ec2.InstanceType(f.config.instanceType),
    securityGroup: f.appSecurityGroup,
    dataVolume: options.dataVolume?.volume,
    database: options.database,
    alarmTopic: f.alarmTopic.topic,
    stageLabel: f.stageLabel,
    logRetention: f.logRetention,
  });
}

export interface WebTierOptions {
  readonly database: AuroraDatabase;
}

/** The load balancer and Auto Scaling group that replace the box at stage 3. */
export function webTier(f: Foundation, options: WebTierOptions): WebTier {
  const loadBalancerSecurityGroup = new ec2.SecurityGroup(f.network, 'LoadBalancerSecurityGroup', {
    vpc: f.vpc,
    description: 'Internet-facing load balancer',
    allowAllOutbound: false,
  });
  Validations.of(loadBalancerSecurityGroup).acknowledge({
    id: 'AwsSolutions-EC23',
    reason: 'the internet-facing load balancer is the public entry point: its listener ports (80, 443) only are open to the internet',
  });
  const accessLogs = new AccessLogBucket(f.data, 'AccessLogs');
  const { certificateArn } = f.config;
  return new WebTier(f.app, 'Web', {
    vpc: f.vpc,
    loadBalancerSubnets: { subnetGroupName: 'Public' },
    instanceSubnets: { subnetGroupName: 'App' },
    loadBalancerSecurityGroup,
    instanceSecurityGroup: f.appSecurityGroup,
    port: APP_PORT,
    app: referenceApp(),
    instanceType: new ec2.InstanceType(f.config.instanceType),
    database: { secret: options.database.cluster.secret!, readerHost: options.database.readerHost },
    accessLogBucket: accessLogs.bucket,
    certificate: certificateArn ? acm.Certificate.fromCertificateArn(f.app, 'Certificate', certificateArn) : undefined,
    minCapacity: f.config.minCapacity,
    maxCapacity: f.config.maxCapacity,
    alarmTopic: f.alarmTopic.topic,
    stageLabel: f.stageLabel,
    logRetention: f.logRetention,
  });
}

/**
 * Keeps publishing a value that the previous stage's consumer stack read through a weak
 * cross-stack reference (`Fn::GetStackOutput`) after this stage stopped reading it. The producer
 * deploys first; without the output the consumer's old template could no longer be resolved, so
 * a failed update could not roll back. Uses the name CDK gives such outputs (`Publish/Output<ref>`);
 * the upgrade test checks that the name matches.
 */
export function keepPublishedOutput(stack: Stack, value: string) {
  const scope = stack.node.tryFindChild('Publish') ?? new Construct(stack, 'Publish');
  const id = 'Output' + JSON.stringify(stack.resolve(value));
  if (!scope.node.tryFindChild(id)) new CfnOutput(scope, id, { value });
}

/** One move-up signal: its metric, and the value that, sustained, means the stage is its own ceiling. */
export interface CeilingSignal {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  /** Consecutive periods of the metric above the threshold. */
  readonly periods: number;
}

/**
 * The stage's move-up alarms, named `<appName>-move-to-<next stage>-<signal>` for every signal
 * the ladder (core/stages.ts) lists for this stage. They notify the alarm topic like any alarm;
 * they mean "plan the next stage", not "page someone".
 */
export function moveUpAlarms(f: Foundation, signals: Record<string, CeilingSignal>): cloudwatch.Alarm[] {
  const defined = f.config.stage.moveUpAlarms.map((a) => a.signal).sort();
  if (JSON.stringify(Object.keys(signals).sort()) !== JSON.stringify(defined)) {
    throw new Error(`stage ${f.config.stage.name} defines move-up signals ${defined.join(', ')}; got ${Object.keys(signals).join(', ')}`);
  }
  const scope = new Construct(f.app, 'MoveUp');
  return f.config.stage.moveUpAlarms.map((definition) => {
    const signal = signals[definition.signal];
    const alarm = new cloudwatch.Alarm(scope, definition.signal, {
      alarmName: moveUpAlarmName(f.config.appName, f.config.stage, definition),
      alarmDescription: `Time to plan the next stage: ${definition.means}`,
      metric: signal.metric,
      threshold: signal.threshold,
      evaluationPeriods: signal.periods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(f.alarmTopic.topic));
    return alarm;
  });
}

/** Average CPU of an instance over hours: the sustained load a move-up decision rests on. */
export function sustainedInstanceCpu(box: SingleBox): CeilingSignal {
  return {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: box.instance.instanceId },
      statistic: 'Average', period: Duration.hours(1),
    }),
    threshold: 70,
    periods: 3,
  };
}

/** The dashboard of every alarm the stage has. */
export function dashboard(f: Foundation, alarms: cloudwatch.Alarm[]): StageDashboard {
  return new StageDashboard(f.app, 'Dashboard', { alarms, dashboardName: `${f.config.appName}-${f.config.region}` });
}
