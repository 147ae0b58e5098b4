/**
 * Where each component lives: its stack and its construct ID. Every stage places components
 * through these functions, so an ID is written once and cannot drift between stages. Logical IDs
 * and stack names are a public contract: an upgrade that changed one would replace what it holds.
 */
import { App, CfnOutput, Duration, RemovalPolicy, SecretValue, Size, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { GrowthConfig } from '../core/config';
import { APP_PORT, AZ_COUNT, DATABASE_PORT, EDGE_REGION, stackName, StackRole, SUBNET_TIERS } from '../core/naming';
import { moveUpAlarmName } from '../core/stages';
import { Construct } from 'constructs';
import { AccessLogBucket } from '../lib/access-log-bucket';
import { AlarmTopic } from '../lib/alarm-topic';
import { AssetsBucket } from '../lib/assets-bucket';
import { AuroraDatabase } from '../lib/aurora-database';
import { DatabaseConnection } from '../lib/boot/user-data';
import { DataVolume } from '../lib/data-volume';
import { EdgeDistribution, ORIGIN_VERIFY_HEADER } from '../lib/edge-distribution';
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

function growthStack(app: App, config: GrowthConfig, role: StackRole, region: string, terminationProtection: boolean): Stack {
  const name = stackName(config.appName, role);
  return new Stack(app, name, {
    stackName: name,
    env: { region },
    terminationProtection,
    description: `growth-stages ${config.appName}: ${DESCRIPTIONS[role]}`,
  });
}

export function foundation(app: App, config: GrowthConfig, options: FoundationOptions): Foundation {
  const network = growthStack(app, config, 'network', config.region, true);
  const data = growthStack(app, config, 'data', config.region, true);
  const appStack = growthStack(app, config, 'app', config.region, false);
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
  readonly database: AuroraDatabase;
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
    database: { secret: options.database.cluster.secret!, readerHost: options.database.readerHost },
    cache: { endpoint: options.cache.primaryEndpoint, authToken: options.cache.authToken },
    app: referenceApp(),
    port: APP_PORT,
    instanceType: new ec2.InstanceType(f.config.instanceType),
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
export function originVerifyValue(f: Foundation): string {
  const secretName = `${f.config.appName}/origin-verify`;
  const secret = new secretsmanager.Secret(f.network, 'OriginVerifySecret', {
    secretName,
    description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends and the load balancer requires`,
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    replicaRegions: f.config.region === EDGE_REGION ? undefined : [{ region: EDGE_REGION }],
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'the load balancer rule and the distribution read the value only when their stacks deploy; rotate it with the runbook (new value, deploy both stacks)',
  });
  return SecretValue.secretsManager(secretName).unsafeUnwrap();
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
    `Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${f.config.region}/*`, `Resource::${bucketArn}/*`];
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
  const topic = new AlarmTopic(stack, 'Alarms', { email: config.alarmEmail });
  const webAcl = new EdgeWebAcl(stack, 'WebAcl');
  const logs = new AccessLogBucket(stack, 'AccessLogs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });
  const site = new EdgeDistribution(stack, 'Site', {
    loadBalancer: options.web.loadBalancer,
    originDomainName: config.originDomainName,
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
  return new StageDashboard(f.app, 'Dashboard', { alarms, dashboardName: `${f.config.appName}-${f.config.region}` });
}
