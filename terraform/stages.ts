/**
 * The stages as Terraform (CDK for Terraform): the same stacks, components, sizing and security
 * properties as the CloudFormation stages, from the same engine-free modules (core/: ladder,
 * configuration, names, subnet plan; lib/boot/boot-script.ts: the instances' boot script).
 * Built so far: stages 1 to 4. The others are refused with a clear error until they are.
 */
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { DataAwsEc2ManagedPrefixList } from '@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list';
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Password } from '@cdktf/provider-random/lib/password';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { ConfigError, GrowthConfig } from '../core/config';
import { APP_PORT, CLOUDFRONT_ORIGIN_FACING, DATABASE_PORT, EDGE_REGION, ORIGIN_VERIFY_HEADER } from '../core/naming';
import { moveUpAlarmName, StageNumber, STAGES } from '../core/stages';
import { DATA_MOUNT } from '../lib/boot/boot-script';
import { cachedReferenceAppBundle, REFERENCE_APP_STATIC } from '../tools/app-bundle';
import { TfAccessLogBucket } from './access-log-bucket';
import { TfAlarmTopic } from './alarm-topic';
import { TfAssetsBucket } from './assets-bucket';
import { TfAuroraDatabase } from './aurora-database';
import { TfDataVolume } from './data-volume';
import { TfEdge } from './edge';
import { TfJobQueue } from './job-queue';
import { TfNetwork } from './network';
import { TfSingleBox } from './single-box';
import { growthTfStack } from './stack';
import { TfValkeyCache } from './valkey-cache';
import { TfWebTier, TfWebTierProps } from './web-tier';
import { TfWorkerGroup } from './worker-group';

const BUILDERS: Partial<Record<StageNumber, (app: App, config: GrowthConfig) => void>> = {
  1: singleBoxStage,
  2: splitDbStage,
  3: loadBalancedStage,
  4: cacheCdnStage,
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

function cacheCdnStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: config.natGateways });
  const workerGroup = new SecurityGroup(f.network, 'WorkerSecurityGroup', { vpcId: f.net.vpc.id, description: 'Queue workers: no inbound traffic' });
  new VpcSecurityGroupEgressRule(f.network, 'WorkerEgress', { securityGroupId: workerGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1' });
  const db = auroraDatabase(f, { readers: 1, extraClients: [workerGroup.id] });
  const cache = new TfValkeyCache(f.data, 'Cache', {
    vpcId: f.net.vpc.id, subnetIds: f.net.subnetIds.Data, replicationGroupId: `${config.appName}-cache`,
    clientSecurityGroupIds: [f.appSecurityGroup.id, workerGroup.id], alarmTopicArn: f.alarms.topic.arn, logRetentionDays: config.logRetentionDays,
  });
  const queue = new TfJobQueue(f.data, 'Jobs', { alarmTopicArn: f.alarms.topic.arn });
  const secretName = originVerifySecret(f);
  const headerValue = (stack: TerraformStack, id: string) => new DataAwsSecretsmanagerSecretVersion(stack, id, { secretId: secretName }).secretString;
  const cacheConnection = { endpoint: cache.primaryEndpoint, secretArn: cache.authToken.arn };
  const web = webTier(f, db, {
    cache: cacheConnection,
    queue: { url: queue.queue.url, arn: queue.queue.arn },
    cloudFrontOnly: config.openOrigin ? undefined : { headerName: ORIGIN_VERIFY_HEADER, headerValue: headerValue(f.app, 'OriginVerify') },
  });
  const settings = instanceSettings(f);
  new TfWorkerGroup(f.app, 'Workers', {
    ...settings, subnetIds: f.net.subnetIds.App, securityGroupId: workerGroup.id,
    database: { secretArn: db.secret.arn, readerHost: db.readerHost }, cache: cacheConnection,
    queue: { url: queue.queue.url, arn: queue.queue.arn, name: queue.queue.name },
  });
  const logs = f.data.node.findChild('AccessLogs') as TfAccessLogBucket;
  const assets = new TfAssetsBucket(f.data, 'Assets', { accessLogBucket: logs.bucket.bucket, staticDir: REFERENCE_APP_STATIC });

  const edgeStack = growthTfStack(app, config, 'edge', EDGE_REGION);
  edgeStack.addDependency(f.app);
  const edgeAlarms = new TfAlarmTopic(edgeStack, 'Alarms', { email: config.alarmEmail });
  const edge = new TfEdge(edgeStack, 'Site', {
    loadBalancerDnsName: web.loadBalancer.dnsName,
    originVerifyHeader: ORIGIN_VERIFY_HEADER,
    originVerifyValue: headerValue(edgeStack, 'OriginVerify'),
    assetsBucketDomainName: assets.bucket.bucketRegionalDomainName,
    alarmTopicArn: edgeAlarms.topic.arn,
  });
  new TerraformOutput(edgeStack, 'SiteDomainName', { value: edge.distribution.domainName, description: 'Point the site\'s DNS here (CNAME or Route 53 alias)' });

  const lb = { LoadBalancer: web.loadBalancer.arnSuffix };
  const daily = (id: string, metricName: string) => ({ id, metric: { namespace: 'AWS/ApplicationELB', metricName, dimensions: lb, period: 86400, stat: 'Sum' } });
  const moveUp = moveUpAlarms(f, {
    'availability': {
      threshold: 0.1, evaluationPeriods: 1,
      metricQuery: [
        { id: 'rate', expression: '100 * (elb5xx + target5xx) / MAX([requests, 1])', label: '5xx rate (%)', returnData: true },
        daily('elb5xx', 'HTTPCode_ELB_5XX_Count'), daily('target5xx', 'HTTPCode_Target_5XX_Count'), daily('requests', 'RequestCount'),
      ],
    },
    'cache-evictions': {
      threshold: 1, evaluationPeriods: 3,
      metricQuery: [{ id: 'evictions', expression: 'SUM([n0, n1])', returnData: true }, ...cache.perNode('n', 'Evictions', 'Sum', 3600)],
    },
    'cache-hit-rate': { threshold: 80, evaluationPeriods: 3, metricQuery: cache.hitRate(3600), below: true },
  });
  dashboard(f, [...web.alarms, ...db.alarms, ...cache.alarms, ...queue.alarms, ...moveUp]);
}

/**
 * The value CloudFront sends in the origin-verify header: generated into a named secret in the
 * network stack (applied first) and replicated to us-east-1; the app and edge stacks read it by
 * name. Returns the name.
 */
function originVerifySecret(f: Foundation): string {
  new RandomProvider(f.network, 'random');
  const name = `${f.config.appName}/origin-verify`;
  const value = new Password(f.network, 'OriginVerifyValue', { length: 48, special: false });
  const secret = new SecretsmanagerSecret(f.network, 'OriginVerifySecret', {
    name,
    description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends and the load balancer requires`,
    replica: f.config.region === EDGE_REGION ? undefined : [{ region: EDGE_REGION }],
  });
  new SecretsmanagerSecretVersion(f.network, 'OriginVerifySecretValue', { secretId: secret.id, secretString: value.result });
  return name;
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

interface WebTierOptions {
  readonly cache?: TfWebTierProps['cache'];
  readonly queue?: TfWebTierProps['queue'];
  readonly cloudFrontOnly?: TfWebTierProps['cloudFrontOnly'];
}

/**
 * The load balancer (its security group in the network stack, its logs' bucket in the data stack)
 * and the group behind it; behind CloudFront (stage 4 on), its one listener port admits only
 * CloudFront's origin-facing prefix list (the list counts as 55 rules: referenced once).
 */
function webTier(f: Foundation, db: TfAuroraDatabase, options: WebTierOptions = {}): TfWebTier {
  const { config } = f;
  const lbGroup = new SecurityGroup(f.network, 'LoadBalancerSecurityGroup', { vpcId: f.net.vpc.id, description: 'Internet-facing load balancer' });
  if (options.cloudFrontOnly) {
    const cloudFront = new DataAwsEc2ManagedPrefixList(f.network, 'CloudFrontPrefixList', { name: CLOUDFRONT_ORIGIN_FACING });
    const port = config.certificateArn ? 443 : 80;
    new VpcSecurityGroupIngressRule(f.network, 'LoadBalancerFromCloudFront', {
      securityGroupId: lbGroup.id, prefixListId: cloudFront.id, ipProtocol: 'tcp', fromPort: port, toPort: port,
    });
  } else {
    for (const port of config.certificateArn ? [80, 443] : [80]) {
      new VpcSecurityGroupIngressRule(f.network, `LoadBalancerFromInternet${port}`, {
        securityGroupId: lbGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: port, toPort: port,
      });
    }
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
    ...options,
  });
}

function dataVolume(f: Foundation): TfDataVolume {
  return new TfDataVolume(f.data, 'DataVolume', {
    availabilityZone: f.net.availabilityZones[0],
    sizeGb: 20,
    snapshotTag: `${f.config.appName}-data-volume`,
  });
}

function auroraDatabase(f: Foundation, options: { readers: number; extraClients?: string[] }): TfAuroraDatabase {
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
    clientSecurityGroupIds: [f.appSecurityGroup.id, ...options.extraClients ?? []],
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

type CeilingSignal = Pick<CloudwatchMetricAlarmConfig,
  'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'period' | 'threshold' | 'evaluationPeriods' | 'metricQuery'> & {
  /** The ceiling is a floor (hit rates). */
  readonly below?: boolean;
};

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
    const { below, ...metric } = signal;
    return new CloudwatchMetricAlarm(f.app, `MoveUp-${definition.signal}`, {
      ...metric,
      alarmName: moveUpAlarmName(appName, stage, definition),
      alarmDescription: `Time to plan the next stage: ${definition.means}`,
      comparisonOperator: below ? 'LessThanThreshold' : 'GreaterThanOrEqualToThreshold',
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
