import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARMS, AURORA_POSTGRES_VERSION, checkMonitoringInterval, DATABASE_NAME, majorVersion, SIZES, WINDOWS } from '../core/settings';
import { metricOptions, settingAlarm } from './alarms';

export interface AuroraDatabaseProps {
  /** VPC of the cluster. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the cluster: isolated ones, in at least 2 AZs. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * The pinned engine version. Instances do not upgrade themselves (automatic minor version
   * upgrades are off): the version moves only when this prop does, and a global database's
   * secondary clusters must run the same one.
   * @default - `AURORA_POSTGRES_VERSION` of core/settings.ts, the version both engines pin
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;
  /**
   * Database created with the cluster, named in the secret as `dbname`. Fixed at creation:
   * changing it replaces the cluster.
   * @default - `DATABASE_NAME` of core/settings.ts ('app')
   */
  readonly databaseName?: string;
  /**
   * Port clients connect on.
   * @default 5432
   */
  readonly port?: number;
  /**
   * Serverless v2 readers, each in the next AZ after the writer's: failover targets and the
   * read endpoint. Adding one later creates an instance and replaces nothing.
   * @default 0
   */
  readonly readers?: number;
  /**
   * Minimum capacity in ACUs. 0 lets the cluster pause when idle (not with a global database).
   * @default - `SIZES.auroraCapacity.min` of core/settings.ts (0.5)
   */
  readonly minCapacity?: number;
  /**
   * Maximum capacity in ACUs.
   * @default - `SIZES.auroraCapacity.max` of core/settings.ts (8)
   */
  readonly maxCapacity?: number;
  /**
   * Days of automated backups (point-in-time recovery).
   * @default - `SIZES.auroraBackupRetentionDays` of core/settings.ts (7 days)
   */
  readonly backupRetention?: Duration;
  /**
   * Refuse deletion through the API.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the cluster when it leaves the template.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Topic notified by the CPU and connection alarms.
   * @default - no alarms
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Retention of the exported PostgreSQL log.
   * @default - `SIZES.logRetentionDays` of core/settings.ts (30 days)
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Regions the generated secret is replicated to, under the same name (an Aurora global
   * database's secondary clusters have no users of their own: their clients read these replicas).
   * Adding a region later updates the secret in place.
   * @default - no replicas
   */
  readonly secretReplicaRegions?: string[];
  /**
   * Interval of enhanced monitoring (OS metrics of every instance, into CloudWatch Logs, through a
   * monitoring role this construct creates): 1, 5, 10, 15, 30 or 60 seconds. Turning it on or off
   * updates the instances in place.
   * @default - no enhanced monitoring
   */
  readonly monitoringInterval?: Duration;
}

/**
 * Aurora PostgreSQL Serverless v2: storage encrypted, TLS required by the cluster parameter group,
 * credentials in a generated Secrets Manager secret (not an RDS-managed one, which a global
 * database cannot use), IAM authentication, automated backups, deletion protection and a final
 * snapshot, a pinned engine version (no automatic minor upgrades), enhanced monitoring when asked.
 * Reachable only through `connections`; it opens no connection itself.
 */
export class AuroraDatabase extends Construct {
  public readonly cluster: rds.DatabaseCluster;
  public readonly connections: ec2.Connections;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AuroraDatabaseProps) {
    super(scope, id);
    const readers = props.readers ?? 0;
    if (!Number.isInteger(readers) || readers < 0 || readers > 15) {
      throw new Error(`AuroraDatabase readers must be an integer from 0 to 15, got ${readers}`);
    }
    const replicaRegions = props.secretReplicaRegions ?? [];
    const ownRegion = Stack.of(scope).region;
    for (const region of replicaRegions) {
      if (Token.isUnresolved(region)) continue;
      if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
        throw new Error(`AuroraDatabase secretReplicaRegions: '${region}' is not a region name (such as 'us-west-2')`);
      }
      if (!Token.isUnresolved(ownRegion) && region === ownRegion) {
        throw new Error(`AuroraDatabase secretReplicaRegions: '${region}' is the cluster's own region; list only other regions`);
      }
    }
    if (new Set(replicaRegions).size !== replicaRegions.length) {
      throw new Error(`AuroraDatabase secretReplicaRegions lists a region twice: ${replicaRegions.join(', ')}`);
    }
    const interval = props.monitoringInterval?.toSeconds();
    if (!Token.isUnresolved(interval)) checkMonitoringInterval('AuroraDatabase monitoringInterval', interval);
    const version = props.engineVersion ?? rds.AuroraPostgresEngineVersion.of(AURORA_POSTGRES_VERSION, majorVersion());
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version });
    const parameterGroup = new rds.ParameterGroup(this, 'ParameterGroup', {
      engine,
      description: 'Requires TLS for every connection',
      parameters: { 'rds.force_ssl': '1', log_min_duration_statement: '1000' },
    });
    const azs = props.vpc.availabilityZones;

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      port: props.port,
      parameterGroup,
      credentials: rds.Credentials.fromGeneratedSecret('app_admin'),
      defaultDatabaseName: props.databaseName ?? DATABASE_NAME,
      // Pinned: an upgrade is a change of engineVersion, not a maintenance window's decision.
      writer: rds.ClusterInstance.serverlessV2('Writer', { availabilityZone: azs[0], autoMinorVersionUpgrade: false }),
      readers: Array.from({ length: readers }, (_, i) => rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, {
        availabilityZone: azs[(i + 1) % azs.length],
        scaleWithWriter: true,
        autoMinorVersionUpgrade: false,
      })),
      serverlessV2MinCapacity: props.minCapacity ?? SIZES.auroraCapacity.min,
      serverlessV2MaxCapacity: props.maxCapacity ?? SIZES.auroraCapacity.max,
      storageEncrypted: true,
      iamAuthentication: true,
      backup: { retention: props.backupRetention ?? Duration.days(SIZES.auroraBackupRetentionDays), preferredWindow: WINDOWS.auroraBackup },
      preferredMaintenanceWindow: WINDOWS.maintenance,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
      cloudwatchLogsExports: ['postgresql'],
      cloudwatchLogsRetention: props.logRetention ?? SIZES.logRetentionDays as logs.RetentionDays,
      copyTagsToSnapshot: true,
      monitoringInterval: props.monitoringInterval,
    });
    this.connections = this.cluster.connections;
    // The cluster only answers its clients, which its security group admits: no rule lets it open
    // connections (Terraform's group has none either). Set on the resource, as the group
    // DatabaseCluster creates has no option for it; an egress change updates the group in place.
    // CDK still believes the group allows all outbound traffic: `connections.allowTo` from the
    // cluster would add no rule (nothing needs one: the cluster opens no connections).
    (this.cluster.connections.securityGroups[0].node.defaultChild as ec2.CfnSecurityGroup).addPropertyOverride('SecurityGroupEgress', [
      { CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 },
    ]);
    const monitoringRole = this.cluster.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      Validations.of(monitoringRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        reason: 'the AWS-maintained policy of RDS enhanced monitoring: it writes only to the RDSOSMetrics log group',
      });
    }

    const secret = this.cluster.node.findChild('Secret') as rds.DatabaseSecret;
    // A snapshot restored later still needs the password it was taken with.
    secret.applyRemovalPolicy(RemovalPolicy.RETAIN);
    if (replicaRegions.length) {
      // Set on the resource, not with addReplicaRegion or the credentials' replicaRegions: those record
      // construct metadata, which would change the CDKMetadata of templates already deployed.
      (secret.node.defaultChild as secretsmanager.CfnSecret).replicaRegions = replicaRegions.map((region) => ({ region }));
    }
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'app instances read the password at boot, so automatic rotation would break running instances; rotate by hand and roll the instances',
    });
    // The cluster sets its log group's retention through CDK's LogRetention function (RDS creates
    // the group itself, so a LogGroup resource would race it).
    const logRetention = Stack.of(this).node.tryFindChild('LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a');
    if (logRetention) {
      Validations.of(logRetention).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: 'CDK\'s LogRetention function writes its own logs with the AWS-maintained basic execution policy',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: 'CDK\'s LogRetention function sets retention on log groups RDS names at creation, unknown at synth',
        },
      );
    }
    if (props.alarmTopic) this.addAlarms(props.alarmTopic);
  }

  /** Hostname of the reader endpoint (the writer's when there is no reader). */
  public get readerHost(): string {
    return this.cluster.clusterReadEndpoint.hostname;
  }

  private addAlarms(topic: sns.ITopic) {
    const settings = ALARMS.auroraDatabase;
    this.alarms.push(
      settingAlarm(this, 'CpuAlarm', topic, settings.CpuAlarm, this.cluster.metricCPUUtilization(metricOptions(settings.CpuAlarm))),
      settingAlarm(this, 'ConnectionsAlarm', topic, settings.ConnectionsAlarm,
        this.cluster.metricDatabaseConnections(metricOptions(settings.ConnectionsAlarm))),
    );
  }
}
