/**
 * A region's app tier in the app stack: the load balancer and Auto Scaling group (stage 3 on),
 * behind CloudFront with the cache, the queue and the workers (stage 4 on). Security groups live
 * in the network stack, so the data tier can admit them without depending on the app stack.
 */
import { Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { APP_PORT, DATABASE_PORT } from '../../core/naming';
import { CloudFrontPrefixList } from '../../lib/cloudfront-prefix-list';
import { ORIGIN_VERIFY_HEADER } from '../../lib/edge-distribution';
import { JobQueue } from '../../lib/job-queue';
import { ValkeyCache } from '../../lib/valkey-cache';
import { CloudFrontOrigin, WebTier } from '../../lib/web-tier';
import { WorkerGroup } from '../../lib/worker-group';
import { referenceApp } from '../reference-app';
import { accessLogs, DatabaseAccess } from './data';
import { Foundation, machineImage } from './foundation';

export interface WebTierOptions {
  readonly database: DatabaseAccess;
  /** @default - no cache */
  readonly cache?: ValkeyCache;
  /** @default - no queue */
  readonly queue?: JobQueue;
  /** @default - no CloudFront: the load balancer is open to the internet */
  readonly cloudFront?: CloudFrontOrigin;
}

/** The load balancer and Auto Scaling group that replace the box at stage 3. */
export function webTier(f: Foundation, options: WebTierOptions): WebTier {
  const loadBalancerSecurityGroup = new ec2.SecurityGroup(f.network, 'LoadBalancerSecurityGroup', {
    vpc: f.vpc,
    description: 'Internet-facing load balancer',
    allowAllOutbound: false,
  });
  if (!options.cloudFront || options.cloudFront.openToInternet) {
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
    cloudFront: options.cloudFront,
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
  // CloudFront's rules exist whether or not the origin is still open (openOrigin), so closing it
  // removes rules and adds none: no moment without a path from CloudFront (runbook 3-to-4).
  const cloudFront = {
    prefixListId: new CloudFrontPrefixList(f.network, 'CloudFrontPrefixList').prefixListId,
    headerName: ORIGIN_VERIFY_HEADER,
    headerValue: options.headerValue,
    openToInternet: f.config.openOrigin,
  };
  const { database, cache, queue } = options;
  const web = webTier(f, { database, cache, queue, cloudFront });
  workerGroup(f, { database, cache, queue });
  return web;
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
