/** Stage 5's database: the stage-2 cluster as the primary of a global database, and the second region's cluster. */
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { clusterName, DATABASE_PORT, globalClusterName } from '../../../core/naming';
import { TfAuroraDatabase } from '../../aurora-database';
import { TfAuroraSecondaryCluster } from '../../aurora-secondary-cluster';
import { DatabaseConnection, enhancedMonitoringSeconds } from './data';
import { Foundation } from './foundation';

/** From the stage-2 cluster: not a new one (as CloudFormation's SourceDBClusterIdentifier). */
export function globalDatabase(f: Foundation, db: TfAuroraDatabase): void {
  new RdsGlobalCluster(f.data, 'GlobalDatabase', {
    globalClusterIdentifier: globalClusterName(f.config.appName), sourceDbClusterIdentifier: db.cluster.arn, deletionProtection: true, forceDestroy: false,
    lifecycle: { preventDestroy: true },
  });
}

export interface SecondaryDatabase {
  readonly cluster: TfAuroraSecondaryCluster;
  /**
   * The second region: the replicated secret's credentials, its own cluster's reader endpoint for
   * reads and (write forwarding) DML instead of the secret's host, no migrations (DDL is not forwarded).
   */
  readonly connection: DatabaseConnection;
}

/** The second region's cluster of the global database, admitting the app and the workers. */
export function secondaryDatabase(f: Foundation, primary: TfAuroraDatabase, primaryFoundation: Foundation, workers: SecurityGroup): SecondaryDatabase {
  const { config } = f;
  const cluster = new TfAuroraSecondaryCluster(f.data, 'Database', {
    vpcId: f.net.vpc.id, subnetIds: f.net.subnetIds.Data, availabilityZones: f.net.availabilityZones,
    globalClusterIdentifier: globalClusterName(config.appName), clusterIdentifier: clusterName(config.appName, f.region), port: DATABASE_PORT,
    minCapacity: config.dbMinCapacity, maxCapacity: config.dbMaxCapacity, writeForwarding: true,
    clientSecurityGroupIds: [f.appSecurityGroup.id, workers.id], alarmTopicArn: f.alarms.topic.arn, logRetentionDays: config.logRetentionDays,
    region: f.region, primarySecret: { arn: primary.secret.arn, region: primaryFoundation.region },
    monitoringIntervalSeconds: enhancedMonitoringSeconds(config),
  });
  return {
    cluster,
    connection: {
      secretArn: cluster.secretArn!, host: cluster.cluster.readerEndpoint, readerHost: cluster.cluster.readerEndpoint, migrate: false, writeForwarding: true,
    },
  };
}
