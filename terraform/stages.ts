/**
 * The stages as Terraform (CDK for Terraform): the same stacks, components, sizing and security
 * properties as the CloudFormation stages, from the same engine-free modules (core/: ladder,
 * configuration, names, subnet plan; lib/boot/boot-script.ts: the instances' boot script).
 */
import { App, Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster';
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
import { GrowthConfig } from '../core/config';
import {
  APP_PORT, CLOUDFRONT_ORIGIN_FACING, clusterName, DATABASE_PORT, EDGE_REGION, globalClusterName, ORIGIN_VERIFY_HEADER,
  originVerifySecretName, otherRegions, servingAlarmName, WRITE_PATHS,
} from '../core/naming';
import { moveUpAlarmName, StageNumber, STAGES } from '../core/stages';
import { DATA_MOUNT } from '../lib/boot/boot-script';
import { cachedReferenceAppBundle, REFERENCE_APP_STATIC } from '../tools/app-bundle';
import { TfAccessLogBucket } from './access-log-bucket';
import { TfAppInstanceSettings } from './app-instance';
import { TfAlarmTopic } from './alarm-topic';
import { TfAssetsBucket } from './assets-bucket';
import { TfAuroraDatabase } from './aurora-database';
import { TfDataVolume } from './data-volume';
import { TfAuroraSecondaryCluster } from './aurora-secondary-cluster';
import { TfEdge, TfEdgeProps } from './edge';
import { TfFailoverDns } from './failover-dns';
import { TfJobQueue } from './job-queue';
import { TfNetwork } from './network';
import { TfSingleBox } from './single-box';
import { growthTfStack } from './stack';
import { TfValkeyCache } from './valkey-cache';
import { TfWebTier, TfWebTierProps } from './web-tier';
import { TfWorkerGroup } from './worker-group';

const BUILDERS: Record<StageNumber, (app: App, config: GrowthConfig) => void> = {
  1: singleBoxStage,
  2: splitDbStage,
  3: loadBalancedStage,
  4: cacheCdnStage,
  5: multiRegionStage,
};

/** The builder of the configured stage. */
export function terraformStageBuilder(config: GrowthConfig): (app: App) => void {
  return (app) => BUILDERS[config.stage.number](app, config);
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
  const volume = dataVolume(f);
  const db = auroraDatabase(f, { readers: 1 });
  const web = webTier(f, { secretArn: db.secret.arn, readerHost: db.readerHost });
  // keepBox (first deploy of docs/migrations/2-to-3.md): the stage-2 box, unchanged, serves until DNS has moved.
  const box = config.keepBox ? keptStage2Box(f, volume, db) : undefined;
  const cluster = { DBClusterIdentifier: db.cluster.clusterIdentifier };
  const hourly = { namespace: 'AWS/RDS', dimensions: cluster, statistic: 'Average', period: 3600, evaluationPeriods: 3 };
  const moveUp = moveUpAlarms(f, {
    'db-cpu': { ...hourly, metricName: 'CPUUtilization', threshold: 60 },
    'replica-lag': { ...hourly, metricName: 'AuroraReplicaLagMaximum', statistic: 'Maximum', period: 300, threshold: 1000 },
    'db-capacity': { ...hourly, metricName: 'ACUUtilization', threshold: 75 },
  });
  dashboard(f, [...web.alarms, ...db.alarms, ...box?.alarms ?? [], ...moveUp]);
}

/**
 * The stage-2 box exactly as stage 2 declares it (same addresses and arguments, its stage label
 * included, so nothing is replaced) with its internet rules, beside the load balancer.
 */
function keptStage2Box(f: Foundation, volume: TfDataVolume, db: TfAuroraDatabase): TfSingleBox {
  openToInternet(f);
  const stage2 = STAGES[1];
  return singleBox(f, { volume, database: db, stageLabel: `${stage2.number} ${stage2.name}` });
}

function cacheCdnStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: config.natGateways });
  const workers = workerSecurityGroup(f);
  const db = auroraDatabase(f, { readers: 1, extraClients: [workers.id] });
  const secretName = originVerifySecret(f, []);
  const tier = behindCloudFront(f, workers, { secretArn: db.secret.arn, readerHost: db.readerHost }, secretName);
  edge(app, f, { web: tier.web, assets: assetsBucket(f), secretName });

  const lb = { LoadBalancer: tier.web.loadBalancer.arnSuffix };
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
      metricQuery: [{ id: 'evictions', expression: 'SUM([n0, n1])', returnData: true }, ...tier.cache.perNode('n', 'Evictions', 'Sum', 3600)],
    },
    'cache-hit-rate': { threshold: 80, evaluationPeriods: 3, metricQuery: tier.cache.hitRate(3600), below: true },
  });
  dashboard(f, [...tier.web.alarms, ...db.alarms, ...tier.cache.alarms, ...tier.queue.alarms, ...moveUp]);
}

function multiRegionStage(app: App, config: GrowthConfig): void {
  const second = config.secondaryRegion;
  const f = foundation(app, config, { natGateways: config.natGateways });
  const workers = workerSecurityGroup(f);
  const db = auroraDatabase(f, { readers: 1, extraClients: [workers.id], secretReplicaRegions: [second], globalMember: true });
  const globalClusterIdentifier = globalClusterName(config.appName);
  // From the stage-2 cluster: not a new one (as CloudFormation's SourceDBClusterIdentifier).
  new RdsGlobalCluster(f.data, 'GlobalDatabase', {
    globalClusterIdentifier, sourceDbClusterIdentifier: db.cluster.arn, deletionProtection: true, forceDestroy: false,
    lifecycle: { preventDestroy: true },
  });
  const secretName = originVerifySecret(f, [second]);
  // Each region reads and writes through its own cluster; only the primary region migrates.
  const tier = behindCloudFront(f, workers, { secretArn: db.secret.arn, readerHost: db.readerHost }, secretName);
  dashboard(f, [...tier.web.alarms, ...db.alarms, ...tier.cache.alarms, ...tier.queue.alarms, servingAlarm(f, tier.web)]);

  const s = foundation(app, config, { natGateways: config.natGateways, secondaryRegion: second });
  // The secrets' replicas come with the primary network and data stacks, the global database with the data stack.
  s.network.addDependency(f.network);
  s.data.addDependency(f.data);
  const secondWorkers = workerSecurityGroup(s);
  const secondDb = new TfAuroraSecondaryCluster(s.data, 'Database', {
    vpcId: s.net.vpc.id, subnetIds: s.net.subnetIds.Data, availabilityZones: s.net.availabilityZones,
    globalClusterIdentifier, clusterIdentifier: clusterName(config.appName, second), port: DATABASE_PORT,
    minCapacity: config.dbMinCapacity, maxCapacity: config.dbMaxCapacity, writeForwarding: true,
    clientSecurityGroupIds: [s.appSecurityGroup.id, secondWorkers.id], alarmTopicArn: s.alarms.topic.arn, logRetentionDays: config.logRetentionDays,
  });
  // The replica keeps the primary secret's name and ARN but for the region.
  const replicaArn = Fn.replace(db.secret.arn, `:${config.region}:`, `:${second}:`);
  // The second region: the replicated secret's credentials, its own cluster's reader endpoint for
  // reads and (write forwarding) DML instead of the secret's host, no migrations (DDL is not forwarded).
  const secondTier = behindCloudFront(s, secondWorkers, {
    secretArn: replicaArn, host: secondDb.cluster.readerEndpoint, readerHost: secondDb.cluster.readerEndpoint, migrate: false, writeForwarding: true,
  }, secretName);
  dashboard(s, [...secondTier.web.alarms, ...secondDb.alarms, ...secondTier.cache.alarms, ...secondTier.queue.alarms, servingAlarm(s, secondTier.web)]);

  edge(app, f, { web: tier.web, assets: assetsBucket(f), secretName, secondary: { f: s, web: secondTier.web } });
}

/** Workers' security group: outbound only. */
function workerSecurityGroup(f: Foundation): SecurityGroup {
  const group = new SecurityGroup(f.network, 'WorkerSecurityGroup', { vpcId: f.net.vpc.id, description: 'Queue workers: no inbound traffic' });
  new VpcSecurityGroupEgressRule(f.network, 'WorkerEgress', { securityGroupId: group.id, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1' });
  return group;
}

interface RegionalTier {
  readonly web: TfWebTier;
  readonly cache: TfValkeyCache;
  readonly queue: TfJobQueue;
}

/**
 * A region's app tier from stage 4: Valkey and the job queue in the data stack; the web tier with
 * both, admitting only CloudFront (unless `openOrigin`); the workers.
 */
function behindCloudFront(f: Foundation, workers: SecurityGroup, database: DatabaseConnection, secretName: string): RegionalTier {
  const { config } = f;
  randomProvider(f.data);
  const cache = new TfValkeyCache(f.data, 'Cache', {
    vpcId: f.net.vpc.id, subnetIds: f.net.subnetIds.Data, replicationGroupId: `${config.appName}-cache`,
    clientSecurityGroupIds: [f.appSecurityGroup.id, workers.id], alarmTopicArn: f.alarms.topic.arn, logRetentionDays: config.logRetentionDays,
  });
  const queue = new TfJobQueue(f.data, 'Jobs', { alarmTopicArn: f.alarms.topic.arn });
  const cacheConnection = { endpoint: cache.primaryEndpoint, secretArn: cache.authToken.arn };
  const web = webTier(f, database, {
    cache: cacheConnection,
    queue: { url: queue.queue.url, arn: queue.queue.arn },
    cloudFrontOnly: config.openOrigin ? undefined : { headerName: ORIGIN_VERIFY_HEADER, headerValue: originVerifyValue(f.app, secretName) },
  });
  new TfWorkerGroup(f.app, 'Workers', {
    ...instanceSettings(f), subnetIds: f.net.subnetIds.App, securityGroupId: workers.id, database, cache: cacheConnection,
    queue: { url: queue.queue.url, arn: queue.queue.arn, name: queue.queue.name },
  });
  return { web, cache, queue };
}

/** The origin-verify value, read by name in `stack`'s region (a replica outside the primary's). */
function originVerifyValue(stack: TerraformStack, secretName: string): string {
  return new DataAwsSecretsmanagerSecretVersion(stack, 'OriginVerify', { secretId: secretName }).secretString;
}

/** The bucket of the load balancer's (and from stage 4 the assets bucket's) access logs. */
function accessLogs(f: Foundation): TfAccessLogBucket {
  return (f.data.node.tryFindChild('AccessLogs') as TfAccessLogBucket | undefined) ?? new TfAccessLogBucket(f.data, 'AccessLogs', { loadBalancerPrefix: 'alb' });
}

/** The assets bucket in the data stack, logging to the access-log bucket. */
function assetsBucket(f: Foundation): TfAssetsBucket {
  return new TfAssetsBucket(f.data, 'Assets', { accessLogBucket: accessLogs(f).bucket.bucket, staticDir: REFERENCE_APP_STATIC });
}

interface EdgeOptions {
  readonly web: TfWebTier;
  readonly assets: TfAssetsBucket;
  readonly secretName: string;
  /** Stage 5: the second region, whose load balancer is the failover origin. */
  readonly secondary?: { readonly f: Foundation; readonly web: TfWebTier };
}

/**
 * The us-east-1 edge stack: its alarm topic, CloudFront and the web ACL; at stage 5 with a hosted
 * zone, the Route 53 failover records the write paths follow.
 */
function edge(app: App, f: Foundation, options: EdgeOptions): void {
  const { config } = f;
  const stack = growthTfStack(app, config, 'edge', EDGE_REGION);
  stack.addDependency(f.app);
  let primaryOrigin = options.web.loadBalancer.dnsName;
  // As CloudFormation's edge(): stage 4's originDomainName; at stage 5 the region's name in the zone.
  let originDomainName = config.originDomainName;
  let failover: TfEdgeProps['failover'];
  if (options.secondary) {
    stack.addDependency(options.secondary.f.app);
    const region = (g: Foundation, web: TfWebTier) => ({
      region: g.region, loadBalancerDnsName: web.loadBalancer.dnsName, loadBalancerZoneId: web.loadBalancer.zoneId, healthAlarmName: servingAlarmName(g.config.appName, g.region),
    });
    if (config.hostedZoneId && config.hostedZoneName) {
      const dns = new TfFailoverDns(stack, 'OriginDns', {
        zoneId: config.hostedZoneId, zoneName: config.hostedZoneName, recordName: 'origin',
        primary: region(f, options.web), secondary: region(options.secondary.f, options.secondary.web),
      });
      primaryOrigin = dns.regionNames[f.region];
      originDomainName = primaryOrigin;
      failover = { domainName: dns.regionNames[options.secondary.f.region], writePaths: [...WRITE_PATHS], writeDomainName: dns.failoverName };
    } else {
      failover = { domainName: options.secondary.web.loadBalancer.dnsName, writePaths: [...WRITE_PATHS] };
      originDomainName = undefined;
    }
  }
  const alarms = new TfAlarmTopic(stack, 'Alarms', { email: config.alarmEmail });
  const site = new TfEdge(stack, 'Site', {
    loadBalancerDnsName: primaryOrigin,
    originDomainName,
    originProtocolPolicy: config.certificateArn ? 'https-only' : undefined,
    certificateArn: config.edgeCertificateArn,
    domainNames: config.domainName ? [config.domainName] : undefined,
    originVerifyHeader: ORIGIN_VERIFY_HEADER,
    originVerifyValue: originVerifyValue(stack, options.secretName),
    assetsBucketDomainName: options.assets.bucket.bucketRegionalDomainName,
    alarmTopicArn: alarms.topic.arn,
    failover,
  });
  new TerraformOutput(stack, 'SiteDomainName', { value: site.distribution.domainName, description: 'Point the site\'s DNS here (CNAME or Route 53 alias)' });
}

/** The alarm Route 53 reads for a region: no healthy app instance for 2 minutes, or no data. */
function servingAlarm(f: Foundation, web: TfWebTier): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(f.app, 'ServingAlarm', {
    alarmName: servingAlarmName(f.config.appName, f.region),
    alarmDescription: `No healthy app instance in ${f.region} for 2 minutes: Route 53 fails the origin over to the other region`,
    namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', statistic: 'Minimum', period: 60,
    dimensions: { LoadBalancer: web.loadBalancer.arnSuffix, TargetGroup: web.targetGroup.arnSuffix },
    threshold: 1, evaluationPeriods: 2, comparisonOperator: 'LessThanThreshold', treatMissingData: 'breaching',
    alarmActions: [f.alarms.topic.arn], okActions: [f.alarms.topic.arn],
  });
}

/**
 * The value CloudFront sends in the origin-verify header: generated into a named secret in the
 * network stack (applied first) and replicated to us-east-1; the app and edge stacks read it by
 * name. Returns the name.
 */
function originVerifySecret(f: Foundation, moreRegions: string[]): string {
  randomProvider(f.network);
  const name = originVerifySecretName(f.config.appName);
  const value = new Password(f.network, 'OriginVerifyValue', { length: 48, special: false });
  const secret = new SecretsmanagerSecret(f.network, 'OriginVerifySecret', {
    name,
    description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends and the load balancer requires`,
    replica: replicaRegions(f, [EDGE_REGION, ...moreRegions]),
  });
  new SecretsmanagerSecretVersion(f.network, 'OriginVerifySecretValue', { secretId: secret.id, secretString: value.result });
  return name;
}

/** The `random` provider of a stack whose resources generate secrets (once per stack). */
function randomProvider(stack: TerraformStack): void {
  if (!stack.node.tryFindChild('random')) new RandomProvider(stack, 'random');
}

/** `regions` other than the foundation's, as secret replicas. */
function replicaRegions(f: Foundation, regions: string[]): Array<{ region: string }> | undefined {
  const others = otherRegions(f.region, regions);
  return others.length ? others.map((region) => ({ region })) : undefined;
}

/** The three stacks, the VPC, the app's security group and the alarm topic. */
interface Foundation {
  readonly config: GrowthConfig;
  /** `config.region`, or stage 5's second region. */
  readonly region: string;
  readonly network: TerraformStack;
  readonly data: TerraformStack;
  readonly app: TerraformStack;
  readonly net: TfNetwork;
  readonly appSecurityGroup: SecurityGroup;
  readonly alarms: TfAlarmTopic;
}

function foundation(app: App, config: GrowthConfig, options: { natGateways: number; secondaryRegion?: string }): Foundation {
  const region = options.secondaryRegion ?? config.region;
  const secondary = options.secondaryRegion !== undefined;
  const network = growthTfStack(app, config, 'network', region, secondary);
  const data = growthTfStack(app, config, 'data', region, secondary);
  const appStack = growthTfStack(app, config, 'app', region, secondary);
  data.addDependency(network);
  appStack.addDependency(data);
  const net = new TfNetwork(network, 'Network', {
    cidr: secondary ? config.secondaryVpcCidr : config.vpcCidr, region, flowLogRetentionDays: config.logRetentionDays, natGateways: options.natGateways,
  });
  const appSecurityGroup = new SecurityGroup(network, 'AppSecurityGroup', { vpcId: net.vpc.id, description: 'App instances' });
  new VpcSecurityGroupEgressRule(network, 'AppEgress', { securityGroupId: appSecurityGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1' });
  const alarms = new TfAlarmTopic(network, 'Alarms', { email: config.alarmEmail });
  return { config, region, network, data, app: appStack, net, appSecurityGroup, alarms };
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
/** How the app reaches its region's database. */
interface DatabaseConnection {
  readonly secretArn: string;
  /** Host that replaces the secret's (stage 5's second region: its own cluster's reader endpoint). */
  readonly host?: string;
  readonly readerHost?: string;
  /** Run schema migrations at boot (default: yes; no in stage 5's second region). */
  readonly migrate?: boolean;
  /** The host is a global database secondary that forwards DML to the primary. */
  readonly writeForwarding?: boolean;
}

function webTier(f: Foundation, database: DatabaseConnection, options: WebTierOptions = {}): TfWebTier {
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
  const logs = accessLogs(f);
  return new TfWebTier(f.app, 'Web', {
    vpcId: f.net.vpc.id,
    loadBalancerSubnetIds: f.net.subnetIds.Public,
    instanceSubnetIds: f.net.subnetIds.App,
    loadBalancerSecurityGroupId: lbGroup.id,
    instanceSecurityGroupId: f.appSecurityGroup.id,
    ...instanceSettings(f),
    database,
    accessLogBucket: logs.bucket.bucket,
    // ACM certificates are regional: stage 5's second region has its own.
    certificateArn: f.region === config.region ? config.certificateArn : config.secondaryCertificateArn,
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

function auroraDatabase(f: Foundation, options: { readers: number; extraClients?: string[]; secretReplicaRegions?: string[]; globalMember?: boolean }): TfAuroraDatabase {
  randomProvider(f.data);
  return new TfAuroraDatabase(f.data, 'Database', {
    vpcId: f.net.vpc.id,
    subnetIds: f.net.subnetIds.Data,
    availabilityZones: f.net.availabilityZones,
    clusterIdentifier: clusterName(f.config.appName, f.region),
    secretReplicaRegions: options.secretReplicaRegions,
    globalMember: options.globalMember,
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
function instanceSettings(f: Foundation): TfAppInstanceSettings & { alarmTopicArn: string } {
  const { config } = f;
  return {
    instanceType: config.instanceType,
    // The pinned image of the region, if any (AMI IDs are regional).
    imageId: f.region === config.region ? config.imageId : config.secondaryImageId,
    region: f.region,
    app: { path: cachedReferenceAppBundle(), startCommand: 'node server.js' },
    port: APP_PORT,
    stageLabel: `${config.stage.number} ${config.stage.name}`,
    alarmTopicArn: f.alarms.topic.arn,
    logRetentionDays: config.logRetentionDays,
  };
}

function singleBox(f: Foundation, options: { volume: TfDataVolume; database?: TfAuroraDatabase; stageLabel?: string }): TfSingleBox {
  return new TfSingleBox(f.app, 'Box', {
    subnetId: f.net.subnetIds.Public[0],
    securityGroupId: f.appSecurityGroup.id,
    ...instanceSettings(f),
    ...options.stageLabel ? { stageLabel: options.stageLabel } : {},
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
    dashboardName: `${f.config.appName}-${f.region}`,
    dashboardBody: JSON.stringify({
      widgets: alarms.map((alarm, i) => ({
        type: 'alarm', x: (i % 4) * 6, y: Math.floor(i / 4) * 3, width: 6, height: 3,
        properties: { title: alarm.alarmName, alarms: [alarm.arn] },
      })),
    }),
  });
}
