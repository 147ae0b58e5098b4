/**
 * The stages as Terraform (CDK for Terraform): the same stacks, components, sizing and security
 * properties as the CloudFormation stages, from the same engine-free modules (core/: ladder,
 * configuration, names, subnet plan; lib/boot/boot-script.ts: the instances' boot script).
 * Built so far: stages 1 to 3. The others are refused with a clear error until they are.
 */
import { App, TerraformStack } from 'cdktf';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { ConfigError, GrowthConfig } from '../core/config';
import { APP_PORT, DATABASE_PORT } from '../core/naming';
import { moveUpAlarmName, StageNumber, STAGES } from '../core/stages';
import { DATA_MOUNT } from '../lib/boot/boot-script';
import { cachedReferenceAppBundle } from '../tools/app-bundle';
import { TfAccessLogBucket } from './access-log-bucket';
import { TfAlarmTopic } from './alarm-topic';
import { TfAuroraDatabase } from './aurora-database';
import { TfDataVolume } from './data-volume';
import { TfNetwork } from './network';
import { TfSingleBox } from './single-box';
import { growthTfStack } from './stack';
import { TfWebTier } from './web-tier';

const BUILDERS: Partial<Record<StageNumber, (app: App, config: GrowthConfig) => void>> = {
  1: singleBoxStage,
  2: splitDbStage,
  3: loadBalancedStage,
};

/** Stage numbers the Terraform engine builds, in ladder order. */
export const TERRAFORM_STAGES = (Object.keys(BUILDERS).map(Number) as StageNumber[]).sort();

/**
 * The builder of the configured stage.
 * @throws ConfigError for a stage not built for Terraform yet (before anything is created)
 */
export function terraformStageBuilder(config: GrowthConfig): (app: App) => void {
  const build = BUILDERS[config.stage.number];
  if (!build) {
    throw new ConfigError('stage', config.stage.name,
      `with --engine terraform, a stage built for Terraform so far: ${TERRAFORM_STAGES.map((n) => STAGES[n - 1].name).join(', ')} (or their numbers); the others synthesize with --engine cdk`);
  }
  return (app) => build(app, config);
}

function singleBoxStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const box = singleBox(f, { volume });
  const [cpu, disk] = [sustainedCpu(box), {
    namespace: 'CWAgent', metricName: 'disk_used_percent', dimensions: { InstanceId: box.instance.id, path: DATA_MOUNT }, statistic: 'Maximum', period: 300,
    threshold: 70, evaluationPeriods: 3,
  }];
  dashboard(f, [...box.alarms, ...moveUpAlarms(f, { 'cpu': cpu, 'data-disk': disk })]);
}

function splitDbStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const db = auroraDatabase(f, { readers: 0 });
  const box = singleBox(f, { volume, database: db });
  const connections = {
    namespace: 'AWS/RDS', metricName: 'DatabaseConnections', dimensions: { DBClusterIdentifier: db.cluster.clusterIdentifier },
    statistic: 'Average', period: 3600, threshold: 300, evaluationPeriods: 3,
  };
  dashboard(f, [...box.alarms, ...db.alarms, ...moveUpAlarms(f, { 'cpu': sustainedCpu(box), 'db-connections': connections })]);
}

function loadBalancedStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: config.natGateways });
  dataVolume(f);
  const db = auroraDatabase(f, { readers: 1 });
  const web = webTier(f, db);
  const cluster = { DBClusterIdentifier: db.cluster.clusterIdentifier };
  const hourly = { namespace: 'AWS/RDS', dimensions: cluster, statistic: 'Average', period: 3600, evaluationPeriods: 3 };
  const moveUp = moveUpAlarms(f, {
    'db-cpu': { ...hourly, metricName: 'CPUUtilization', threshold: 60 },
    'replica-lag': { ...hourly, metricName: 'AuroraReplicaLagMaximum', statistic: 'Maximum', period: 300, threshold: 1000 },
    'db-capacity': { ...hourly, metricName: 'ACUUtilization', threshold: 75 },
  });
  dashboard(f, [...web.alarms, ...db.alarms, ...moveUp]);
}

/** The three stacks, the VPC, the app's security group and the alarm topic. */
interface Foundation {
  readonly config: GrowthConfig;
  readonly network: TerraformStack;
  readonly data: TerraformStack;
  readonly app: TerraformStack;
  readonly net: TfNetwork;
  readonly appSecurityGroup: SecurityGroup;
  readonly alarms: TfAlarmTopic;
}

function foundation(app: App, config: GrowthConfig, options: { natGateways: number }): Foundation {
  const network = growthTfStack(app, config, 'network');
  const data = growthTfStack(app, config, 'data');
  const appStack = growthTfStack(app, config, 'app');
  data.addDependency(network);
  appStack.addDependency(data);
  const net = new TfNetwork(network, 'Network', {
    cidr: config.vpcCidr, region: config.region, flowLogRetentionDays: config.logRetentionDays, natGateways: options.natGateways,
  });
  const appSecurityGroup = new SecurityGroup(network, 'AppSecurityGroup', { vpcId: net.vpc.id, description: 'App instances' });
  new VpcSecurityGroupEgressRule(network, 'AppEgress', { securityGroupId: appSecurityGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1' });
  const alarms = new TfAlarmTopic(network, 'Alarms', { email: config.alarmEmail });
  return { config, network, data, app: appStack, net, appSecurityGroup, alarms };
}

/** While the box serves from a public subnet (stages 1-2): HTTP and HTTPS from anywhere. */
function openToInternet(f: Foundation): void {
  for (const port of [APP_PORT, 443]) {
    new VpcSecurityGroupIngressRule(f.network, `AppFromInternet${port}`, {
      securityGroupId: f.appSecurityGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: port, toPort: port,
      description: port === 443 ? 'HTTPS from the internet' : 'HTTP from the internet',
    });
  }
}

/** The load balancer (its security group in the network stack, its logs' bucket in the data stack) and the group behind it. */
function webTier(f: Foundation, db: TfAuroraDatabase): TfWebTier {
  const { config } = f;
  const lbGroup = new SecurityGroup(f.network, 'LoadBalancerSecurityGroup', { vpcId: f.net.vpc.id, description: 'Internet-facing load balancer' });
  for (const port of config.certificateArn ? [80, 443] : [80]) {
    new VpcSecurityGroupIngressRule(f.network, `LoadBalancerFromInternet${port}`, {
      securityGroupId: lbGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: port, toPort: port,
    });
  }
  new VpcSecurityGroupEgressRule(f.network, 'LoadBalancerToApp', {
    securityGroupId: lbGroup.id, referencedSecurityGroupId: f.appSecurityGroup.id, ipProtocol: 'tcp', fromPort: APP_PORT, toPort: APP_PORT,
  });
  new VpcSecurityGroupIngressRule(f.network, 'AppFromLoadBalancer', {
    securityGroupId: f.appSecurityGroup.id, referencedSecurityGroupId: lbGroup.id, ipProtocol: 'tcp', fromPort: APP_PORT, toPort: APP_PORT,
  });
  const logs = new TfAccessLogBucket(f.data, 'AccessLogs', { loadBalancerPrefix: 'alb' });
  return new TfWebTier(f.app, 'Web', {
    vpcId: f.net.vpc.id,
    loadBalancerSubnetIds: f.net.subnetIds.Public,
    instanceSubnetIds: f.net.subnetIds.App,
    loadBalancerSecurityGroupId: lbGroup.id,
    instanceSecurityGroupId: f.appSecurityGroup.id,
    ...instanceSettings(f),
    database: { secretArn: db.secret.arn, readerHost: db.readerHost },
    accessLogBucket: logs.bucket.bucket,
    certificateArn: config.certificateArn,
    minCapacity: config.minCapacity,
    maxCapacity: config.maxCapacity,
  });
}

function dataVolume(f: Foundation): TfDataVolume {
  return new TfDataVolume(f.data, 'DataVolume', {
    availabilityZone: f.net.availabilityZones[0],
    sizeGb: 20,
    snapshotTag: `${f.config.appName}-data-volume`,
  });
}

function auroraDatabase(f: Foundation, options: { readers: number }): TfAuroraDatabase {
  new RandomProvider(f.data, 'random');
  return new TfAuroraDatabase(f.data, 'Database', {
    vpcId: f.net.vpc.id,
    subnetIds: f.net.subnetIds.Data,
    availabilityZones: f.net.availabilityZones,
    clusterIdentifier: `${f.config.appName}-${f.config.region}`,
    port: DATABASE_PORT,
    readers: options.readers,
    minCapacity: f.config.dbMinCapacity,
    maxCapacity: f.config.dbMaxCapacity,
    clientSecurityGroupIds: [f.appSecurityGroup.id],
    alarmTopicArn: f.alarms.topic.arn,
    logRetentionDays: f.config.logRetentionDays,
  });
}

/** What every construct running the app takes from the configuration. */
function instanceSettings(f: Foundation) {
  const { config } = f;
  return {
    instanceType: config.instanceType,
    region: config.region,
    app: { path: cachedReferenceAppBundle(), startCommand: 'node server.js' },
    port: APP_PORT,
    stageLabel: `${config.stage.number} ${config.stage.name}`,
    alarmTopicArn: f.alarms.topic.arn,
    logRetentionDays: config.logRetentionDays,
  };
}

function singleBox(f: Foundation, options: { volume: TfDataVolume; database?: TfAuroraDatabase }): TfSingleBox {
  return new TfSingleBox(f.app, 'Box', {
    subnetId: f.net.subnetIds.Public[0],
    securityGroupId: f.appSecurityGroup.id,
    ...instanceSettings(f),
    dataVolume: { id: options.volume.volume.id, arn: options.volume.volume.arn },
    database: options.database && { secretArn: options.database.secret.arn },
  });
}

type CeilingSignal = Pick<import('@cdktf/provider-aws/lib/cloudwatch-metric-alarm').CloudwatchMetricAlarmConfig,
  'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'period' | 'threshold' | 'evaluationPeriods'>;

function sustainedCpu(box: TfSingleBox): CeilingSignal {
  return {
    namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: { InstanceId: box.instance.id }, statistic: 'Average', period: 3600,
    threshold: 70, evaluationPeriods: 3,
  };
}

/** The stage's move-up alarms, named and described from the ladder (core/stages.ts), as on the CloudFormation side. */
function moveUpAlarms(f: Foundation, signals: Record<string, CeilingSignal>): CloudwatchMetricAlarm[] {
  const { stage, appName } = f.config;
  return stage.moveUpAlarms.map((definition) => {
    const signal = signals[definition.signal];
    if (!signal) throw new Error(`stage ${stage.name} defines move-up signal ${definition.signal}; none given`);
    return new CloudwatchMetricAlarm(f.app, `MoveUp-${definition.signal}`, {
      ...signal,
      alarmName: moveUpAlarmName(appName, stage, definition),
      alarmDescription: `Time to plan the next stage: ${definition.means}`,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [f.alarms.topic.arn],
    });
  });
}

function dashboard(f: Foundation, alarms: CloudwatchMetricAlarm[]): void {
  new CloudwatchDashboard(f.app, 'Dashboard', {
    dashboardName: `${f.config.appName}-${f.config.region}`,
    dashboardBody: JSON.stringify({
      widgets: alarms.map((alarm, i) => ({
        type: 'alarm', x: (i % 4) * 6, y: Math.floor(i / 4) * 3, width: 6, height: 3,
        properties: { title: alarm.alarmName, alarms: [alarm.arn] },
      })),
    }),
  });
}
