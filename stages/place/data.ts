/**
 * The data stack's components of a region: stage 1's volume, the Aurora cluster, Valkey, the job
 * queue and the access-log bucket, each admitting the app's security group where it has a port.
 */
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { STRICT_HARDENING } from '../../core/config';
import { DATABASE_PORT } from '../../core/naming';
import { AURORA_POSTGRES_VERSION, majorVersion, SIZES } from '../../core/settings';
import { AccessLogBucket } from '../../lib/access-log-bucket';
import { AuroraDatabase } from '../../lib/aurora-database';
import { DatabaseConnection } from '../../lib/app-instance';
import { DataVolume } from '../../lib/data-volume';
import { JobQueue } from '../../lib/job-queue';
import { ValkeyCache } from '../../lib/valkey-cache';
import { Foundation, isStrict } from './foundation';

/** The volume of stage 1's PostgreSQL, in the AZ of the box. */
export function dataVolume(f: Foundation): DataVolume {
  return new DataVolume(f.data, 'DataVolume', {
    availabilityZone: f.vpc.availabilityZones[0],
    size: Size.gibibytes(SIZES.dataVolumeGiB),
    removalPolicy: RemovalPolicy.SNAPSHOT,
  });
}

/** The pinned Aurora PostgreSQL version of every cluster (core/settings.ts). */
export function auroraEngineVersion(): rds.AuroraPostgresEngineVersion {
  return rds.AuroraPostgresEngineVersion.of(AURORA_POSTGRES_VERSION, majorVersion());
}

export interface DatabaseOptions {
  /** Readers in other AZs. */
  readonly readers: number;
  /**
   * Regions the cluster's secret is replicated to (stage 5: the second region's cluster uses it).
   * @default - none
   */
  readonly secretReplicaRegions?: string[];
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
    secretReplicaRegions: options.secretReplicaRegions,
    monitoringInterval: enhancedMonitoring(f),
  });
  db.connections.allowFrom(f.appSecurityGroup, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the app');
  return db;
}

/** Aurora enhanced monitoring with `hardening=strict`, none otherwise. */
export function enhancedMonitoring(f: Foundation): Duration | undefined {
  return isStrict(f.config) ? Duration.seconds(STRICT_HARDENING.enhancedMonitoringSeconds) : undefined;
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

/**
 * The bucket of the load balancer's (and from stage 4 the assets bucket's) access logs: one per
 * data stack, created by whichever component asks first.
 */
export function accessLogs(f: Foundation): AccessLogBucket {
  return (f.data.node.tryFindChild('AccessLogs') as AccessLogBucket | undefined) ?? new AccessLogBucket(f.data, 'AccessLogs');
}
