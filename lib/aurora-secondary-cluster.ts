import { Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARMS, checkMonitoringInterval, DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES, SIZES, WINDOWS } from '../core/settings';
import { settingAlarm } from './alarms';

export interface AuroraSecondaryClusterProps {
  /** VPC of the cluster. */
  readonly vpc: ec2.IVpc;
  /** Isolated subnets in at least 2 AZs. */
  readonly subnets: ec2.SubnetSelection;
  /** Identifier of the global database (`AWS::RDS::GlobalCluster`) to join. */
  readonly globalClusterIdentifier: string;
  /**
   * Identifier of this cluster; it names the log group too, so it is fixed.
   */
  readonly clusterIdentifier: string;
  /**
   * The primary's engine version: a global database runs one version everywhere. Pinned
   * (automatic minor version upgrades are off): upgrade the secondary clusters first, then the
   * primary.
   */
  readonly engineVersion: rds.AuroraPostgresEngineVersion;
  /** The primary's port. */
  readonly port: number;
  /**
   * Instances (all readers until a failover promotes the cluster), one per AZ in turn.
   * @default - `SIZES.secondaryClusterInstances` of core/settings.ts (2)
   */
  readonly instances?: number;
  /** Serverless v2 capacity in ACUs; a global database cannot pause, so at least 0.5. */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /**
   * Global write forwarding: clients of this cluster write through its own endpoints and Aurora
   * forwards their DML to the primary (DDL is refused: run schema migrations in the primary
   * region). Needs an engine version that supports it (Aurora PostgreSQL 16: every minor).
   * @default true
   */
  readonly writeForwarding?: boolean;
  /**
   * Topic notified by the replication-lag and CPU alarms.
   * @default - no alarms
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Retention of the exported PostgreSQL log.
   * @default - `SIZES.logRetentionDays` of core/settings.ts (30 days)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The primary cluster's secret, replicated to this cluster's region (`AuroraDatabase`'s
   * `secretReplicaRegions`): this cluster's clients read the replica, whose ARN is `secretArn`.
   * @default - no `secretArn`: the cluster has no credentials of its own
   */
  readonly primarySecret?: secretsmanager.ISecret;
  /**
   * Interval of enhanced monitoring of every instance (1, 5, 10, 15, 30 or 60 seconds), through a
   * monitoring role this construct creates. Turning it on or off updates the instances in place.
   * @default - no enhanced monitoring
   */
  readonly monitoringInterval?: Duration;
}

/**
 * The secondary cluster of an Aurora PostgreSQL global database, in another region: Serverless v2
 * instances in isolated subnets, storage encrypted with a key of this region (with rotation), TLS
 * required, IAM authentication, backups, deletion protection and a final snapshot. Clients read
 * and write through its own endpoints (global write forwarding sends their DML to the primary),
 * so nothing in this region depends on a cross-region connection of its own. It has no
 * credentials of its own: they are the primary's (replicate its secret). Written in L1: CDK's DatabaseCluster always creates a master user, which a secondary
 * cluster must not have.
 */
export class AuroraSecondaryCluster extends Construct {
  public readonly cluster: rds.CfnDBCluster;
  public readonly connections: ec2.Connections;
  public readonly alarms: cloudwatch.Alarm[] = [];
  /**
   * ARN of `primarySecret`'s replica in this cluster's region: the credentials its clients use.
   * Import it where they are (`Secret.fromSecretCompleteArn`). Undefined without `primarySecret`.
   */
  public readonly secretArn?: string;

  constructor(scope: Construct, id: string, props: AuroraSecondaryClusterProps) {
    super(scope, id);
    const instances = props.instances ?? SIZES.secondaryClusterInstances;
    if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
      throw new Error(`AuroraSecondaryCluster instances must be an integer from 1 to 16, got ${instances}`);
    }
    if (props.minCapacity < 0.5 || props.maxCapacity < props.minCapacity) {
      throw new Error(`AuroraSecondaryCluster needs 0.5 <= minCapacity <= maxCapacity (a global database cannot pause), got ${props.minCapacity} and ${props.maxCapacity}`);
    }
    const interval = props.monitoringInterval?.toSeconds();
    if (!Token.isUnresolved(interval)) checkMonitoringInterval('AuroraSecondaryCluster monitoringInterval', interval);
    const key = new kms.Key(this, 'Key', { description: 'Storage of the secondary Aurora cluster', enableKeyRotation: true });
    key.addToResourcePolicy(iam.PolicyStatement.fromJson(DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES));
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Secondary Aurora cluster',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(props.port) });
    const subnetGroup = new rds.CfnDBSubnetGroup(this, 'Subnets', {
      dbSubnetGroupDescription: 'Subnets of the secondary Aurora cluster',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });
    const family = `aurora-postgresql${props.engineVersion.auroraPostgresMajorVersion}`;
    const parameters = new rds.CfnDBClusterParameterGroup(this, 'Parameters', {
      family,
      description: 'Requires TLS for every connection',
      parameters: { 'rds.force_ssl': '1', 'log_min_duration_statement': '1000' },
    });
    // RDS creates the log group on first export; creating it first sets its retention without a custom resource.
    // Its name is fixed by RDS: kept when the stack is deleted (its logs stay readable), but deleted
    // when the create that made it fails (RetainExceptOnCreate), so a retried create does not find
    // "already exists". After a roll back to stage 4, delete it before moving up again.
    const log = new logs.LogGroup(this, 'PostgresqlLog', {
      logGroupName: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
      retention: props.logRetention ?? SIZES.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    this.cluster = new rds.CfnDBCluster(this, 'Resource', {
      dbClusterIdentifier: props.clusterIdentifier,
      globalClusterIdentifier: props.globalClusterIdentifier,
      engine: 'aurora-postgresql',
      engineVersion: props.engineVersion.auroraPostgresFullVersion,
      port: props.port,
      dbSubnetGroupName: subnetGroup.ref,
      vpcSecurityGroupIds: [securityGroup.securityGroupId],
      dbClusterParameterGroupName: parameters.ref,
      storageEncrypted: true,
      kmsKeyId: key.keyArn,
      enableIamDatabaseAuthentication: true,
      serverlessV2ScalingConfiguration: { minCapacity: props.minCapacity, maxCapacity: props.maxCapacity },
      enableGlobalWriteForwarding: props.writeForwarding ?? true,
      backupRetentionPeriod: SIZES.auroraBackupRetentionDays,
      preferredBackupWindow: WINDOWS.auroraBackup,
      preferredMaintenanceWindow: WINDOWS.maintenance,
      deletionProtection: true,
      copyTagsToSnapshot: true,
      enableCloudwatchLogsExports: ['postgresql'],
    });
    this.cluster.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);
    this.cluster.node.addDependency(log);

    const monitoringRole = props.monitoringInterval && new iam.Role(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
    });
    if (monitoringRole) {
      Validations.of(monitoringRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason: 'the AWS-maintained policy of RDS enhanced monitoring: it writes only to the RDSOSMetrics log group',
      });
    }
    const azs = props.vpc.availabilityZones;
    for (let i = 0; i < instances; i++) {
      new rds.CfnDBInstance(this, `Instance${i + 1}`, {
        dbClusterIdentifier: this.cluster.ref,
        dbInstanceClass: 'db.serverless',
        engine: 'aurora-postgresql',
        availabilityZone: azs[i % azs.length],
        autoMinorVersionUpgrade: false,
        publiclyAccessible: false,
        monitoringInterval: props.monitoringInterval?.toSeconds(),
        monitoringRoleArn: monitoringRole?.roleArn,
      });
    }
    if (props.alarmTopic) this.addAlarms(props.alarmTopic);
    if (props.primarySecret) {
      // A replica keeps the primary secret's name and ARN but for the region.
      const arn = Fn.split(':', props.primarySecret.secretArn, 7);
      this.secretArn = Fn.join(':', [arn[0], arn[1], arn[2], Stack.of(this).region, arn[4], arn[5], arn[6]]);
    }
  }

  /**
   * Hostname of the cluster endpoint: it takes writes (forwarded to the primary while this
   * cluster is a secondary; its own after a failover or switchover) and reads.
   */
  public get endpoint(): string {
    return this.cluster.attrEndpointAddress;
  }

  /** Hostname of the reader endpoint. */
  public get readerEndpoint(): string {
    return this.cluster.attrReadEndpointAddress;
  }

  /** A metric of this cluster (`AWS/RDS`, by `DBClusterIdentifier`). */
  public metric(metricName: string, statistic: string, period = Duration.minutes(5)): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName, dimensionsMap: { DBClusterIdentifier: this.cluster.ref }, statistic, period });
  }

  private addAlarms(topic: sns.ITopic) {
    const settings = ALARMS.auroraSecondaryCluster;
    for (const id of ['ReplicationLagAlarm', 'CpuAlarm'] as const) {
      const setting = settings[id];
      this.alarms.push(settingAlarm(this, id, topic, setting,
        this.metric(setting.metric.name, setting.statistic, Duration.seconds(setting.periodSeconds))));
    }
  }
}
