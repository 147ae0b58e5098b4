/** The data stack's components of a region: stage 1's volume, the Aurora cluster, the access-log and assets buckets. */
import { GrowthConfig, STRICT_HARDENING } from '../../../core/config';
import { clusterName, DATABASE_PORT } from '../../../core/naming';
import { SIZES } from '../../../core/settings';
import { REFERENCE_APP_STATIC } from '../../../tools/app-bundle';
import { TfAccessLogBucket } from '../../access-log-bucket';
import { TfAssetsBucket } from '../../assets-bucket';
import { TfAuroraDatabase } from '../../aurora-database';
import { TfDataVolume } from '../../data-volume';
import { Foundation, randomProvider } from './foundation';

/** How the app reaches its region's database. */
export interface DatabaseConnection {
  readonly secretArn: string;
  /** Host that replaces the secret's (stage 5's second region: its own cluster's reader endpoint). */
  readonly host?: string;
  readonly readerHost?: string;
  /** Run schema migrations at boot (default: yes; no in stage 5's second region). */
  readonly migrate?: boolean;
  /** The host is a global database secondary that forwards DML to the primary. */
  readonly writeForwarding?: boolean;
}

export function dataVolume(f: Foundation): TfDataVolume {
  return new TfDataVolume(f.data, 'DataVolume', {
    availabilityZone: f.net.availabilityZones[0],
    sizeGb: SIZES.dataVolumeGiB,
    snapshotTag: `${f.config.appName}-data-volume`,
  });
}

export interface DatabaseOptions {
  /** Readers in other AZs. */
  readonly readers: number;
  /**
   * Security groups admitted besides the app's (the workers').
   * @default - only the app's
   */
  readonly extraClients?: string[];
  /**
   * Regions the cluster's secret is replicated to.
   * @default - none
   */
  readonly secretReplicaRegions?: string[];
  /**
   * The cluster is the primary of a global database (stage 5).
   * @default false
   */
  readonly globalMember?: boolean;
}

export function auroraDatabase(f: Foundation, options: DatabaseOptions): TfAuroraDatabase {
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
    monitoringIntervalSeconds: enhancedMonitoringSeconds(f.config),
  });
}

/** Aurora enhanced monitoring with `hardening=strict`, none otherwise. */
export function enhancedMonitoringSeconds(config: GrowthConfig): number | undefined {
  return config.hardening === 'strict' ? STRICT_HARDENING.enhancedMonitoringSeconds : undefined;
}

/** The bucket of the load balancer's (and from stage 4 the assets bucket's) access logs. */
export function accessLogs(f: Foundation): TfAccessLogBucket {
  return (f.data.node.tryFindChild('AccessLogs') as TfAccessLogBucket | undefined) ?? new TfAccessLogBucket(f.data, 'AccessLogs', { loadBalancerPrefix: 'alb' });
}

/** The assets bucket in the data stack, logging to the access-log bucket. */
export function assetsBucket(f: Foundation): TfAssetsBucket {
  return new TfAssetsBucket(f.data, 'Assets', { accessLogBucket: accessLogs(f).bucket.bucket, staticDir: REFERENCE_APP_STATIC });
}
