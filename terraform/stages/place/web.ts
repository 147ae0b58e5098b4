/**
 * A region's app tier: the load balancer and group (stage 3 on), and from stage 4 Valkey, the job
 * queue and the workers behind CloudFront. Security groups and their rules live in the network stack.
 */
import { DataAwsEc2ManagedPrefixList } from '@cdktf/provider-aws/lib/data-aws-ec2-managed-prefix-list';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { CLOUDFRONT_ORIGIN_FACING, ORIGIN_VERIFY_HEADER } from '../../../core/settings';
import { APP_PORT } from '../../../core/naming';
import { TfJobQueue } from '../../job-queue';
import { TfValkeyCache } from '../../valkey-cache';
import { TfWebTier, TfWebTierProps } from '../../web-tier';
import { TfWorkerGroup } from '../../worker-group';
import { accessLogs, DatabaseConnection } from './data';
import { Foundation, instanceSettings, randomProvider } from './foundation';
import { originVerifyValue } from './origin-verify';

export interface WebTierOptions {
  /** @default - no cache */
  readonly cache?: TfWebTierProps['cache'];
  /** @default - no queue */
  readonly queue?: TfWebTierProps['queue'];
  /** @default - no CloudFront: the load balancer is open to the internet */
  readonly cloudFront?: TfWebTierProps['cloudFront'];
}

/**
 * The load balancer (its security group in the network stack, its logs' bucket in the data stack)
 * and the group behind it; behind CloudFront (stage 4 on), its one listener port admits only
 * CloudFront's origin-facing prefix list (the list counts as 55 rules: referenced once).
 */
export function webTier(f: Foundation, database: DatabaseConnection, options: WebTierOptions = {}): TfWebTier {
  const { config } = f;
  const lbGroup = new SecurityGroup(f.network, 'LoadBalancerSecurityGroup', { vpcId: f.net.vpc.id, description: 'Internet-facing load balancer' });
  if (options.cloudFront) {
    // Both listener ports in one rule that no setting changes: the list counts as 55 of the
    // group's 60 rules, and a replaced rule is destroyed first (a gap) in Terraform.
    const cloudFront = new DataAwsEc2ManagedPrefixList(f.network, 'CloudFrontPrefixList', { name: CLOUDFRONT_ORIGIN_FACING });
    new VpcSecurityGroupIngressRule(f.network, 'LoadBalancerFromCloudFront', {
      securityGroupId: lbGroup.id, prefixListId: cloudFront.id, ipProtocol: 'tcp', fromPort: 80, toPort: 443,
    });
  }
  if (!options.cloudFront || options.cloudFront.openToInternet) {
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

/** Workers' security group: outbound only. */
export function workerSecurityGroup(f: Foundation): SecurityGroup {
  const group = new SecurityGroup(f.network, 'WorkerSecurityGroup', { vpcId: f.net.vpc.id, description: 'Queue workers: no inbound traffic' });
  new VpcSecurityGroupEgressRule(f.network, 'WorkerEgress', { securityGroupId: group.id, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1' });
  return group;
}

export interface RegionalTier {
  readonly web: TfWebTier;
  readonly cache: TfValkeyCache;
  readonly queue: TfJobQueue;
}

/**
 * A region's app tier from stage 4: Valkey and the job queue in the data stack; the web tier with
 * both, admitting only CloudFront (unless `openOrigin`); the workers.
 */
export function behindCloudFront(f: Foundation, workers: SecurityGroup, database: DatabaseConnection, secretName: string): RegionalTier {
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
    cloudFront: { headerName: ORIGIN_VERIFY_HEADER, headerValue: originVerifyValue(f.app, secretName), openToInternet: config.openOrigin },
  });
  new TfWorkerGroup(f.app, 'Workers', {
    ...instanceSettings(f), subnetIds: f.net.subnetIds.App, securityGroupId: workers.id, database, cache: cacheConnection,
    queue: { url: queue.queue.url, arn: queue.queue.arn, name: queue.queue.name },
  });
  return { web, cache, queue };
}
