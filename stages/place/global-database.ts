/**
 * Stage 5's database: the stage-2 cluster as the primary of an Aurora global database, and the
 * second region's secondary cluster.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { clusterName, DATABASE_PORT, globalClusterName } from '../../core/naming';
import { AuroraDatabase } from '../../lib/aurora-database';
import { AuroraSecondaryCluster } from '../../lib/aurora-secondary-cluster';
import { DatabaseConnection } from '../../lib/app-instance';
import { auroraEngineVersion, DatabaseAccess, enhancedMonitoring } from './data';
import { Foundation } from './foundation';

/**
 * The stage-2 cluster becomes the primary of a global database (not replaced: the global cluster
 * is created from it; its secret is replicated with `auroraDatabase`'s `secretReplicaRegions`).
 * The global cluster stays a child of the data stack, not of `AuroraDatabase`: its logical ID
 * `GlobalDatabase` is deployed state, and moving it into the construct would re-parent it.
 */
export function globalDatabase(f: Foundation, db: AuroraDatabase): void {
  const global = new rds.CfnGlobalCluster(f.data, 'GlobalDatabase', {
    globalClusterIdentifier: globalClusterName(f.config.appName),
    sourceDbClusterIdentifier: db.cluster.clusterArn,
    deletionProtection: true,
  });
  // Leaving the template (a downgrade) must not try to delete it under its member clusters.
  global.applyRemovalPolicy(RemovalPolicy.RETAIN);
}

/** The access to the second region's cluster, and the cluster (its alarms go on the region's dashboard). */
export interface SecondaryDatabase extends DatabaseAccess {
  readonly cluster: AuroraSecondaryCluster;
}

/**
 * The second region's cluster of the global database, with global write forwarding. The app there
 * reads and writes through this cluster's own endpoint (Aurora forwards the DML to the primary;
 * no connection of the region's own crosses regions), with the primary's replicated secret, and
 * runs no schema migrations (forwarding refuses DDL; the primary region runs them). Its data
 * stack deploys after the primary's, which creates the global database.
 */
export function secondaryDatabase(f: Foundation, primary: AuroraDatabase, primaryFoundation: Foundation): SecondaryDatabase {
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
    monitoringInterval: enhancedMonitoring(f),
    primarySecret: primary.cluster.secret!,
  });
  db.connections.allowFrom(f.appSecurityGroup, ec2.Port.tcp(DATABASE_PORT), 'PostgreSQL from the app');
  // Imported in the app stack, beside the instances that read it.
  const secret = secretsmanager.Secret.fromSecretCompleteArn(f.app, 'DatabaseSecret', db.secretArn!);
  return { cluster: db, connection: secondaryConnection(secret, db), connections: db.connections };
}

/**
 * What the second region's instances are told: the replicated secret for the credentials; this
 * cluster's reader endpoint, which takes reads and (write forwarding) DML, in place of the
 * secret's host (the primary's writer); no migrations.
 */
function secondaryConnection(secret: secretsmanager.ISecret, db: AuroraSecondaryCluster): DatabaseConnection {
  return { secret, host: db.readerEndpoint, readerHost: db.readerEndpoint, migrate: false, writeForwarding: true };
}
