/**
 * Where each component lives: its stack and its construct ID. Every stage places components
 * through these functions, so an ID is written once and cannot drift between stages. Logical IDs
 * and stack names are a public contract: an upgrade that changed one would replace what it holds.
 */
import * as cdk from 'aws-cdk-lib';
import { App, CfnOutput, Duration, RemovalPolicy, SecretValue, Size, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GrowthConfig } from '../core/config';
import {
  APP_PORT, AZ_COUNT, clusterName, DATABASE_PORT, EDGE_REGION, globalClusterName, originVerifySecretName, otherRegions, servingAlarmName,
  stackName, StackRole, SUBNET_TIERS, WRITE_PATHS,
} from '../core/naming';
import { moveUpAlarmName, STAGES } from '../core/stages';
import { AURORA_POSTGRES_VERSION, majorVersion } from '../core/versions';
import { Construct } from 'constructs';
import { AccessLogBucket } from '../lib/access-log-bucket';
import { AlarmTopic } from '../lib/alarm-topic';
import { AssetsBucket } from '../lib/assets-bucket';
import { AuroraDatabase } from '../lib/aurora-database';
import { AuroraSecondaryCluster } from '../lib/aurora-secondary-cluster';
import { DatabaseConnection } from '../lib/boot/user-data';
import { DataVolume } from '../lib/data-volume';
import { EdgeDistribution, EdgeFailover, ORIGIN_VERIFY_HEADER } from '../lib/edge-distribution';
import { FailoverDns, FailoverRegion } from '../lib/failover-dns';
import { CloudFrontPrefixList } from '../lib/cloudfront-prefix-list';
import { EdgeWebAcl } from '../lib/edge-web-acl';
import { JobQueue } from '../lib/job-queue';
import { Network } from '../lib/network';
import { SingleBox } from '../lib/single-box';
import { StageDashboard } from '../lib/stage-dashboard';
import { ValkeyCache } from '../lib/valkey-cache';
import { CloudFrontOnly, WebTier } from '../lib/web-tier';
import { WorkerGroup } from '../lib/worker-group';
import { referenceApp, referenceAppStatic } from './reference-app';

const DESCRIPTIONS: Record<StackRole, string> = {
  network: 'VPC, flow logs, security groups and the alarm topic (stateful: termination protection)',
  data: 'Databases and volumes (stateful: termination protection)',
  app: 'Compute, load balancing, alarms and dashboard (stateless: safe to replace)',
  edge: 'CloudFront distribution, WAF web ACL, CDN access logs and the alarms on CloudFront metrics (us-east-1)',
};

/** What every stage has: the three stacks, the VPC, the alarm topic and the app's security group. */
export interface Foundation {
  readonly config: GrowthConfig;
  /** The region of the three stacks: `config.region`, or stage 5's second region. */
  readonly region: string;
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
  /**
   * The second region of stage 5, whose stacks are named `<appName>-<role>-<region>`.
   * @default - the primary region, `config.region`
   */
  readonly secondaryRegion?: string;
}

function growthStack(app: App, config: GrowthConfig, role: StackRole, region: string, terminationProtection: boolean, secondary = false): Stack {
  const name = stackName(config.appName, role, secondary ? region : undefined);
  return new Stack(app, name, {
    stackName: name,
    env: { region },
    terminationProtection,
    description: `growth-stages ${config.appName}: ${DESCRIPTIONS[role]}`,
  });
}

export function foundation(app: App, config: GrowthConfig, options: FoundationOptions): Foundation {
  const region = options.secondaryRegion ?? config.region;
  const secondary = options.secondaryRegion !== undefined;
  const network = growthStack(app, config, 'network', region, true, secondary);
  const data = growthStack(app, config, 'data', region, true, secondary);
  const appStack = growthStack(app, config, 'app', region, false, secondary);
  data.addStackDependency(network);
  appStack.addStackDependency(data);

  const logRetention = config.logRetentionDays as logs.RetentionDays;
  const net = new Network(network, 'Network', {
    // Regions do not share an address range, so they can be joined later.
    cidr: secondary ? config.secondaryVpcCidr : config.vpcCidr,
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
    region,
    network,
    data,
    app: appStack,
    vpc: net.vpc,
    alarmTopic: new AlarmTopic(network, 'Alarms', { email: config.alarmEmail }),
    appSecurityGroup,
    logRetention,
    stageLabel: `${config.stage.number} ${config.stage.name}${secondary ? ` (${region})` : ''}`,
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

/** The pinned Aurora PostgreSQL version of every cluster (core/versions.ts). */
function auroraEngineVersion(): rds.AuroraPostgresEngineVersion {
  return rds.AuroraPostgresEngineVersion.of(AURORA_POSTGRES_VERSION, majorVersion());
}

/** The pinned image of the region's app instances (`imageId`, `secondaryImageId`), if any. */
function machineImage(f: Foundation): ec2.IMachineImage | undefined {
  const id = f.region === f.config.region ? f.config.imageId : f.config.secondaryImageId;
  return id ? ec2.MachineImage.genericLinux({ [f.region]: id }) : undefined;
}

/** The Aurora cluster created at stage 2; every later stage keeps it, stage 5 makes it global. */
export function auroraDatabase(f: Foundation, options: DatabaseOptions): AuroraDatabase {
  const db = new AuroraDatabase(f.data, 'Database', {
    vpc: f.vpc,
    engineVersion: auroraEngineVersion(),
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
  /**
   * The label in the box's user data: a change replaces the box.
   * @default - the foundation's stage label
   */
  readonly stageLabel?: string;
}

/** The box of stages 1 and 2. */
export function singleBox(f: Foundation, options: SingleBoxOptions): SingleBox {
  return new SingleBox(f.app, 'Box', {
    vpc: f.vpc,
    app: referenceApp(),
    port: APP_PORT,
    instanceType: new ec2.InstanceType(f.config.instanceType),
    machineImage: machineImage(f),
    securityGroup: f.appSecurityGroup,
    dataVolume: options.dataVolume?.volume,
    database: options.database,
    alarmTopic: f.alarmTopic.topic,
    stageLabel: options.stageLabel ?? f.stageLabel,
    logRetention: f.logRetention,
  });
}

/** How the stage-2 box connects to the database; stage 3 keeps it unchanged while DNS moves (`keepBox`). */
export function boxDatabase(db: AuroraDatabase): DatabaseConnection {
  return { secret: db.cluster.secret! };
}

/**
 * Stage 3's first deploy with `keepBox` (docs/migrations/2-to-3.md): the stage-2 box exactly as
 * stage 2 built it (same IDs and properties, its stage label included, so nothing replaces it),
 * its Elastic IP and its internet rules, serving while DNS moves to the load balancer. The
 * second deploy, without `keepBox`, removes them.
 */
export function keptStage2Box(f: Foundation, volume: DataVolume, db: AuroraDatabase): SingleBox {
  openToInternet(f);
  const stage2 = STAGES[1];
  return singleBox(f, { dataVolume: volume, database: boxDatabase(db), stageLabel: `${stage2.number} ${stage2.name}` });
}

/** What the app tier needs of a region's database: how to connect, and whom to admit. */
export interface DatabaseAccess {
  readonly connection: DatabaseConnection;
  readonly connections: ec2.Connections;
}

/**
 * The access to the primary region's cluster: the secret's host (the cluster's own writer
 * endpoint), its reader endpoint, and schema migrations at boot. At stage 5 too: the primary
 * region never connects to another region.
 */
export function databaseAccess(db: AuroraDatabase): DatabaseAccess {
  return { connection: { secret: db.cluster.secret!, readerHost: db.readerHost }, connections: db.connections };
}

export interface WebTierOptions {
  readonly database: DatabaseAccess;
  readonly cache?: ValkeyCache;
  readonly queue?: JobQueue;
  readonly cloudFrontOnly?: CloudFrontOnly;
}

/** The bucket of the load balancer's (and from stage 4 the assets bucket's) access logs. */
export function accessLogs(f: Foundation): AccessLogBucket {
  return (f.data.node.tryFindChild('AccessLogs') as AccessLogBucket | undefined) ?? new AccessLogBucket(f.data, 'AccessLogs');
}

/** The load balancer and Auto Scaling group that replace the box at stage 3. */
export function webTier(f: Foundation, options: WebTierOptions): WebTier {
  const loadBalancerSecurityGroup = new ec2.SecurityGroup(f.network, 'LoadBalancerSecurityGroup', {
    vpc: f.vpc,
    description: 'Internet-facing load balancer',
    allowAllOutbound: false,
  });
  if (!options.cloudFrontOnly) {
    Validations.of(loadBalancerSecurityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'the internet-facing load balancer is the public entry point: its listener ports (80, 443) only are open to the internet',
    });
  }
  // ACM certificates are regional: stage 5's second region has its own.
  const certificateArn = f.region === f.config.region ? f.config.certificateArn : f.config.secondaryCertificateArn;
  return new WebTier(f.app, 'Web', {
    vpc: f.vpc,
    loadBalancerSubnets: { subnetGroupName: 'Public' },
    instanceSubnets: { subnetGroupName: 'App' },
    loadBalancerSecurityGroup,
    instanceSecurityGroup: f.appSecurityGroup,
    port: APP_PORT,
    app: referenceApp(),
    instanceType: new ec2.InstanceType(f.config.instanceType),
    machineImage: machineImage(f),
    database: options.database.connection,
    cache: options.cache && { endpoint: options.cache.primaryEndpoint, authToken: options.cache.authToken },
    queue: options.queue?.queue,
    cloudFrontOnly: options.cloudFrontOnly,
    accessLogBucket: accessLogs(f).bucket,
    certificate: certificateArn ? acm.Certificate.fromCertificateArn(f.app, 'Certificate', certificateArn) : undefined,
    minCapacity: f.config.minCapacity,
    maxCapacity: f.config.maxCapacity,
    alarmTopic: f.alarmTopic.topic,
    stageLabel: f.stageLabel,
    logRetention: f.logRetention,
  });
}

export interface BehindCloudFrontOptions {
  readonly database: DatabaseAccess;
  readonly cache: ValkeyCache;
  readonly queue: JobQueue;
  /** The origin-verify header's value (see `originVerifyValue`). */
  readonly headerValue: string;
}

/**
 * A region's app tier from stage 4: the web tier with the cache and the queue, admitting only
 * CloudFront (unless `openOrigin`: see runbook 3-to-4), and the workers.
 */
export function appTierBehindCloudFront(f: Foundation, options: BehindCloudFrontOptions): WebTier {
  const cloudFrontOnly = f.config.openOrigin ? undefined : {
    prefixListId: new CloudFrontPrefixList(f.network, 'CloudFrontPrefixList').prefixListId,
    headerName: ORIGIN_VERIFY_HEADER,
    headerValue: options.headerValue,
  };
  const { database, cache, queue } = options;
  const web = webTier(f, { database, cache, queue, cloudFrontOnly });
  workerGroup(f, { database, cache, queue });
  return web;
}

/** Valkey in the data subnets, for sessions and cached reads (stage 4 on). */
export function valkeyCache(f: Foundation): ValkeyCache {
  const cache = new ValkeyCache(f.data, 'Cache', {
    vpc: f.vpc,
    subnets: { subnetGroupName: 'Data' },
    alarmTopic: f.alarmTopic.topic,
    logRetention: f.logRetention,
  });
  cache.connections.allowDefaultPortFrom(f.appSecurityGroup, 'Valkey from the app');
  return cache;
}

/** The queue of work that leaves the request path, and its dead-letter queue (stage 4 on). */
export function jobQueue(f: Foundation): JobQueue {
  return new JobQueue(f.data, 'Jobs', { alarmTopic: f.alarmTopic.topic });
}

export interface WorkerOptions {
  readonly database: DatabaseAccess;
  readonly cache: ValkeyCache;
  readonly queue: JobQueue;
}

/** Instances that consume the job queue, with a security group nothing may reach (stage 4 on). */
export function workerGroup(f: Foundation, options: WorkerOptions): WorkerGroup {
  const securityGroup = new ec2.SecurityGroup(f.network, 'WorkerSecurityGroup', {
    vpc: f.vpc,
    description: 'Queue workers: no inbound traffic',
    allowAllOutbound: true,
  });
  options.database.connections.allowFrom(securityGroup, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the workers');
  options.cache.connections.allowDefaultPortFrom(securityGroup, 'Valkey from the workers');
  return new WorkerGroup(f.app, 'Workers', {
    vpc: f.vpc,
    subnets: { subnetGroupName: 'App' },
    securityGroup,
    queue: options.queue.queue,
    database: options.database.connection,
    cache: { endpoint: options.cache.primaryEndpoint, authToken: options.cache.authToken },
    app: referenceApp(),
    port: APP_PORT,
    instanceType: new ec2.InstanceType(f.config.instanceType),
    machineImage: machineImage(f),
    alarmTopic: f.alarmTopic.topic,
    stageLabel: f.stageLabel,
    logRetention: f.logRetention,
  });
}

/**
 * The value CloudFront sends in the origin-verify header, generated into a named secret in the
 * network stack (deployed first) and replicated to us-east-1, where the edge stack reads it.
 * Both stacks resolve it by name at deploy time, so neither depends on the other for it.
 */
export function originVerifyValue(f: Foundation, moreRegions: string[] = []): string {
  const secretName = originVerifySecretName(f.config.appName);
  const secret = new secretsmanager.Secret(f.network, 'OriginVerifySecret', {
    secretName,
    description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends and the load balancer requires`,
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    replicaRegions: replicaRegions(f, [EDGE_REGION, ...moreRegions]),
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'the load balancer rule and the distribution read the value only when their resources change; rotate it with the runbook 3-to-4 procedure (both values in the rule while CloudFront moves to the new one)',
  });
  return SecretValue.secretsManager(secretName).unsafeUnwrap();
}

/** `regions` other than the foundation's own, as secret replica regions. */
function replicaRegions(f: Foundation, regions: string[]): secretsmanager.ReplicaRegion[] | undefined {
  const others = otherRegions(f.region, regions);
  return others.length ? others.map((region) => ({ region })) : undefined;
}

/**
 * Stage 5: the stage-2 cluster becomes the primary of a global database (not replaced: the global
 * cluster is created from it), and its secret is replicated to the second region.
 */
export function globalDatabase(f: Foundation, db: AuroraDatabase, secondaryRegion: string): void {
  // The cluster's `secret` is its attachment; the generated secret itself is the child 'Secret'.
  const secret = db.cluster.node.findChild('Secret').node.defaultChild as secretsmanager.CfnSecret;
  secret.replicaRegions = replicaRegions(f, [secondaryRegion]);
  const global = new rds.CfnGlobalCluster(f.data, 'GlobalDatabase', {
    globalClusterIdentifier: globalClusterName(f.config.appName),
    sourceDbClusterIdentifier: db.cluster.clusterArn,
    deletionProtection: true,
  });
  // Leaving the template (a downgrade) must not try to delete it under its member clusters.
  global.applyRemovalPolicy(RemovalPolicy.RETAIN);
}

/**
 * The second region's cluster of the global database, with global write forwarding. The app there
 * reads and writes through this cluster's own endpoint (Aurora forwards the DML to the primary;
 * no connection of the region's own crosses regions), with the primary's replicated secret, and
 * runs no schema migrations (forwarding refuses DDL; the primary region runs them). Its data
 * stack deploys after the primary's, which creates the global database.
 */
export function secondaryDatabase(f: Foundation, primary: AuroraDatabase, primaryFoundation: Foundation): DatabaseAccess {
  f.data.addStackDependency(primaryFoundation.data);
  const db = new AuroraSecondaryCluster(f.data, 'Database', {
    vpc: f.vpc,
    subnets: { subnetGroupName: 'Data' },
    globalClusterIdentifier: globalClusterName(f.config.appName),
    clusterIdentifier: clusterName(f.config.appName, f.region),
    engineVersion: auroraEngineVersion(),
    writeForwarding: true,
    port: DATABASE_PORT,
    minCapacity: f.config.dbMinCapacity,
    maxCapacity: f.config.dbMaxCapacity,
    alarmTopic: f.alarmTopic.topic,
    logRetention: f.logRetention,
  });
  db.connections.allowFrom(f.appSecurityGroup, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the app');
  // The replica keeps the primary secret's name and ARN but for the region.
  const arn = cdk.Fn.split(':', primary.cluster.secret!.secretArn, 7);
  const replicaArn = cdk.Fn.join(':', [arn[0], arn[1], arn[2], f.region, arn[4], arn[5], arn[6]]);
  return {
    connection: secondaryConnection(secretsmanager.Secret.fromSecretCompleteArn(f.app, 'DatabaseSecret', replicaArn), db),
    connections: db.connections,
  };
}

/**
 * What the second region's instances are told: the replicated secret for the credentials; this
 * cluster's reader endpoint, which takes reads and (write forwarding) DML, in place of the
 * secret's host (the primary's writer); no migrations.
 */
function secondaryConnection(secret: secretsmanager.ISecret, db: AuroraSecondaryCluster): DatabaseConnection {
  return { secret, host: db.readerEndpoint, readerHost: db.readerEndpoint, migrate: false, writeForwarding: true };
}

/**
 * The bucket of the static assets, and their upload under the names the app links to (stage 4 on).
 * Both live in the data stack, which deploys before the app stack: a new version's assets are in
 * place before any instance links to them, and older names stay for instances still running.
 */
export function staticAssets(f: Foundation): s3.Bucket {
  const { bucket } = new AssetsBucket(f.data, 'Assets', { accessLogBucket: accessLogs(f).bucket });
  const source = referenceAppStatic();
  const upload = new s3deploy.BucketDeployment(f.data, 'StaticAssets', {
    sources: [s3deploy.Source.asset(source.path, source.assetOptions)],
    destinationBucket: bucket,
    destinationKeyPrefix: 'static/',
    prune: false,
    cacheControl: [s3deploy.CacheControl.fromString('public, max-age=31536000, immutable')],
    memoryLimit: 256,
  });
  const bucketArn = `<${f.data.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
  const wildcards = ['Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', 'Action::s3:Abort*', 'Action::s3:DeleteObject*',
    `Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${f.region}/*`, `Resource::${bucketArn}/*`];
  Validations.of(upload.handlerRole.node.scope!).acknowledge(
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "aws-cdk-lib's BucketDeployment handler: the managed policy grants only writing its own logs",
    },
    ...wildcards.map((w) => ({
      id: `AwsSolutions-IAM5[${w}]`,
      reason: "aws-cdk-lib's grants to the BucketDeployment handler: read the CDK asset objects, write under the assets bucket",
    })),
    { id: 'AwsSolutions-L1', reason: 'aws-cdk-lib pins the runtime its bundled handler is built and tested for; it moves with aws-cdk-lib' },
  );
  return bucket;
}

export interface EdgeOptions {
  readonly web: WebTier;
  readonly assets: s3.IBucket;
  readonly originVerifyValue: string;
  /** Stage 5: the second region, its web tier the failover origin. */
  readonly secondary?: { readonly foundation: Foundation; readonly web: WebTier };
}

/**
 * The alarm Route 53's health check of the region reads: no healthy target for 2 minutes, or no
 * data at all (the region stopped reporting).
 */
export function servingAlarm(f: Foundation, web: WebTier): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(f.app, 'ServingAlarm', {
    alarmName: servingAlarmName(f.config.appName, f.region),
    alarmDescription: `No healthy app instance in ${f.region} for 2 minutes: Route 53 fails the origin over to the other region`,
    metric: web.targetGroup.metrics.healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum' }),
    threshold: 1,
    evaluationPeriods: 2,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(f.alarmTopic.topic));
  alarm.addOkAction(new actions.SnsAction(f.alarmTopic.topic));
  return alarm;
}

function failoverRegion(f: Foundation, web: WebTier): FailoverRegion {
  return {
    region: f.region,
    loadBalancerDnsName: web.loadBalancer.loadBalancerDnsName,
    loadBalancerHostedZoneId: web.loadBalancer.loadBalancerCanonicalHostedZoneId,
    healthAlarmName: servingAlarmName(f.config.appName, f.region),
  };
}

/**
 * Stage 5's origins: without a hosted zone, the two load balancers' own names (reads fail over,
 * writes stay on the primary); with one, names in the zone (`origin-<region>.<zone>`, which the
 * load balancers' certificates can carry) and the failover name `origin.<zone>` for writes.
 */
function failoverOrigins(stack: Stack, f: Foundation, web: WebTier, secondary: NonNullable<EdgeOptions['secondary']>) {
  const { hostedZoneId, hostedZoneName } = f.config;
  if (!hostedZoneId || !hostedZoneName) {
    return { primary: undefined, failover: { domainName: secondary.web.loadBalancer.loadBalancerDnsName, writePaths: [...WRITE_PATHS] } };
  }
  const dns = new FailoverDns(stack, 'OriginDns', {
    zone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName: hostedZoneName }),
    recordName: 'origin',
    primary: failoverRegion(f, web),
    secondary: failoverRegion(secondary.foundation, secondary.web),
  });
  return {
    primary: dns.regionNames[f.region],
    failover: { domainName: dns.regionNames[secondary.foundation.region], writePaths: [...WRITE_PATHS], writeDomainName: dns.failoverName },
  };
}

/**
 * The us-east-1 stack of CloudFront: web ACL, distribution (dynamic paths from the load balancer,
 * `/static/*` from the assets bucket), its access-log bucket, its alarm and that alarm's topic
 * (an alarm notifies only topics of its own region).
 */
export function edge(f: Foundation, options: EdgeOptions): EdgeDistribution {
  const stack = growthStack(f.app.node.root as App, f.config, 'edge', EDGE_REGION, true);
  stack.addStackDependency(f.app);
  const { config } = f;
  let origins: { primary?: string; failover?: EdgeFailover } = { primary: config.originDomainName };
  if (options.secondary) {
    stack.addStackDependency(options.secondary.foundation.app);
    origins = failoverOrigins(stack, f, options.web, options.secondary);
  }
  const topic = new AlarmTopic(stack, 'Alarms', { email: config.alarmEmail });
  const webAcl = new EdgeWebAcl(stack, 'WebAcl');
  const logs = new AccessLogBucket(stack, 'AccessLogs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });
  const site = new EdgeDistribution(stack, 'Site', {
    loadBalancer: options.web.loadBalancer,
    originDomainName: origins.primary,
    failover: origins.failover,
    originProtocol: config.certificateArn ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : undefined,
    originVerifyValue: options.originVerifyValue,
    assetsBucket: s3.Bucket.fromBucketAttributes(stack, 'AssetsBucket', {
      bucketArn: options.assets.bucketArn,
      bucketRegionalDomainName: options.assets.bucketRegionalDomainName,
      region: config.region,
    }),
    logBucket: logs.bucket,
    webAclArn: webAcl.webAcl.attrArn,
    certificate: config.edgeCertificateArn ? acm.Certificate.fromCertificateArn(stack, 'Certificate', config.edgeCertificateArn) : undefined,
    domainNames: config.domainName ? [config.domainName] : undefined,
    alarmTopic: topic.topic,
  });
  new CfnOutput(stack, 'SiteDomainName', {
    value: site.distribution.distributionDomainName,
    description: 'Point the site\'s DNS here (CNAME or Route 53 alias)',
  });
  Validations.of(site).acknowledge({
    id: 'Annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
    reason: 'the data stack writes the assets bucket policy for CloudFront (AssetsBucket), so neither stack depends on the other',
  });
  return site;
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
  /** Consecutive periods of the metric beyond the threshold. */
  readonly periods: number;
  /**
   * The ceiling is a floor: the alarm fires below the threshold (hit rates).
   * @default false
   */
  readonly below?: boolean;
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
      comparisonOperator: signal.below
        ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
        : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
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
  return new StageDashboard(f.app, 'Dashboard', { alarms, dashboardName: `${f.config.appName}-${f.region}` });
}
