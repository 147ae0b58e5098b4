import { Fn, ITerraformDependable } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Password } from '@cdktf/provider-random/lib/password';
import { Construct } from 'constructs';
import { ALARMS, AURORA_POSTGRES_VERSION, checkMonitoringInterval, DATABASE_NAME, majorVersion, SIZES, WINDOWS } from '../core/settings';
import { alarmMetric, alarmSettings } from './alarm-topic';

export interface AuroraClusterBaseProps {
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly port: number;
  /** Security groups admitted on `port`. */
  readonly clientSecurityGroupIds: string[];
  /** Fixed name of the cluster: it names the log group. */
  readonly clusterIdentifier: string;
  readonly logRetentionDays: number;
  /** Of the security group and the subnet group. */
  readonly description: string;
  /** Serverless v2 ACUs. */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /**
   * Interval of enhanced monitoring of every instance, in seconds (1, 5, 10, 15, 30 or 60),
   * through a monitoring role created here (MonitoringRole). Turning it on or off updates the
   * instances in place.
   * @default - no enhanced monitoring
   */
  readonly monitoringIntervalSeconds?: number;
}

/**
 * What every Aurora cluster of the stages has besides the cluster, in `scope` (SecurityGroup,
 * FromClient<n>, Subnets, ParameterGroup, PostgresqlLog): a security group admitting only the
 * clients, the subnet group, TLS required by the parameter group, and the PostgreSQL log group
 * created before the cluster exports to it (so it has a retention; it survives destroy), the
 * enhanced-monitoring role when asked. Returns the cluster settings they all share, and the
 * monitoring settings of every instance.
 */
export function auroraClusterBase(scope: Construct, props: AuroraClusterBaseProps) {
  const interval = props.monitoringIntervalSeconds;
  checkMonitoringInterval('monitoringIntervalSeconds', interval);
  const securityGroup = new SecurityGroup(scope, 'SecurityGroup', { vpcId: props.vpcId, description: props.description });
  props.clientSecurityGroupIds.forEach((client, i) => new VpcSecurityGroupIngressRule(scope, `FromClient${i + 1}`, {
    securityGroupId: securityGroup.id, referencedSecurityGroupId: client, ipProtocol: 'tcp', fromPort: props.port, toPort: props.port,
    description: 'PostgreSQL from the app',
  }));
  const subnets = new DbSubnetGroup(scope, 'Subnets', { description: `Subnets of the ${props.description}`, subnetIds: props.subnetIds });
  const parameters = new RdsClusterParameterGroup(scope, 'ParameterGroup', {
    family: `aurora-postgresql${majorVersion()}`,
    description: 'Requires TLS for every connection',
    parameter: [{ name: 'rds.force_ssl', value: '1' }, { name: 'log_min_duration_statement', value: '1000' }],
  });
  const log = new CloudwatchLogGroup(scope, 'PostgresqlLog', {
    name: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
    retentionInDays: props.logRetentionDays,
    skipDestroy: true,
  });
  /**
   * The cluster settings every cluster shares: the pinned engine version (core/settings.ts),
   * encryption, TLS, IAM auth, backups, protection, final snapshot, log export.
   */
  const settings = {
    clusterIdentifier: props.clusterIdentifier,
    engine: 'aurora-postgresql',
    engineVersion: AURORA_POSTGRES_VERSION,
    port: props.port,
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [securityGroup.id],
    dbClusterParameterGroupName: parameters.name,
    storageEncrypted: true,
    iamDatabaseAuthenticationEnabled: true,
    serverlessv2ScalingConfiguration: { minCapacity: props.minCapacity, maxCapacity: props.maxCapacity },
    backupRetentionPeriod: SIZES.auroraBackupRetentionDays,
    preferredBackupWindow: WINDOWS.auroraBackup,
    preferredMaintenanceWindow: WINDOWS.maintenance,
    deletionProtection: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${props.clusterIdentifier}-final`,
    copyTagsToSnapshot: true,
    enabledCloudwatchLogsExports: ['postgresql'],
    dependsOn: [log],
  };
  let instanceMonitoring: { monitoringInterval?: number; monitoringRoleArn?: string; dependsOn?: ITerraformDependable[] } = {};
  if (interval !== undefined) {
    const role = new IamRole(scope, 'MonitoringRole', {
      assumeRolePolicy: new DataAwsIamPolicyDocument(scope, 'MonitoringAssume', {
        statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['monitoring.rds.amazonaws.com'] }] }],
      }).json,
    });
    const policy = new IamRolePolicyAttachment(scope, 'MonitoringPolicy', { role: role.name, policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole' });
    // RDS refuses a monitoring role without the policy ("IAM role ARN value is invalid or does not
    // include the required permissions"): the instances wait for the attachment, not only the role.
    instanceMonitoring = { monitoringInterval: interval, monitoringRoleArn: role.arn, dependsOn: [policy] };
  }
  return { settings, instanceMonitoring };
}

export interface TfAuroraDatabaseProps {
  /** VPC of the cluster's security group. */
  readonly vpcId: string;
  /** Isolated subnets in at least 2 AZs. */
  readonly subnetIds: string[];
  /** AZ of each instance in turn: the writer, then the readers. */
  readonly availabilityZones: string[];
  /** Fixed name of the cluster (it names its log group). */
  readonly clusterIdentifier: string;
  /** Port clients connect on. */
  readonly port: number;
  /** Serverless v2 readers (0 to 15), each in the next AZ after the writer's. */
  readonly readers: number;
  /** Serverless v2 minimum in ACUs (0 lets it pause, not as a global database member). */
  readonly minCapacity: number;
  /** Serverless v2 maximum in ACUs, at least `minCapacity`. */
  readonly maxCapacity: number;
  /** Security groups admitted on `port`. */
  readonly clientSecurityGroupIds: string[];
  /** Topic notified by the CPU and connection alarms. */
  readonly alarmTopicArn: string;
  /** Retention of the exported PostgreSQL log, in days. */
  readonly logRetentionDays: number;
  /**
   * Regions the secret is replicated to (stage 5), other than the cluster's.
   * @default - no replicas
   */
  readonly secretReplicaRegions?: string[];
  /**
   * A global database adopts the cluster (stage 5): its membership is not this resource's to manage.
   * @default false
   */
  readonly globalMember?: boolean;
  /**
   * Enhanced monitoring of every instance, in seconds (1, 5, 10, 15, 30 or 60).
   * @default - none
   */
  readonly monitoringIntervalSeconds?: number;
}

/**
 * Aurora PostgreSQL Serverless v2, as the CDK `AuroraDatabase`: storage encrypted, TLS required
 * by the cluster parameter group, a generated password in a Secrets Manager secret with the
 * connection settings (not an RDS-managed one, which a global database cannot use), IAM
 * authentication, 7 days of backups, deletion protection, a final snapshot and
 * `prevent_destroy`, the PostgreSQL log exported with retention; alarms on CPU and connections.
 */
export class TfAuroraDatabase extends Construct {
  public readonly cluster: RdsCluster;
  public readonly secret: SecretsmanagerSecret;
  public readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: TfAuroraDatabaseProps) {
    super(scope, id);
    if (!Number.isInteger(props.readers) || props.readers < 0 || props.readers > 15) {
      throw new Error(`TfAuroraDatabase readers must be an integer from 0 to 15, got ${props.readers}`);
    }
    if (props.minCapacity < 0 || props.maxCapacity < props.minCapacity) {
      throw new Error(`TfAuroraDatabase needs 0 <= minCapacity <= maxCapacity, got ${props.minCapacity} and ${props.maxCapacity}`);
    }
    if (props.globalMember && props.minCapacity < 0.5) {
      throw new Error(`TfAuroraDatabase minCapacity must be at least 0.5 for a global database member (it cannot pause), got ${props.minCapacity}`);
    }
    if (props.availabilityZones.length === 0) {
      throw new Error('TfAuroraDatabase availabilityZones is empty: pass the AZs of the subnets');
    }
    const { settings, instanceMonitoring } = auroraClusterBase(this, { ...props, description: 'Aurora cluster' });
    const password = new Password(this, 'Password', { length: 30, special: true, overrideSpecial: '!#%^*-_=+' });
    this.cluster = new RdsCluster(this, 'Cluster', {
      ...settings,
      databaseName: DATABASE_NAME,
      masterUsername: 'app_admin',
      masterPassword: password.result,
      // As a global member, write forwarding is set by hand (docs/migrations/4-to-5.md): it takes
      // effect only once a switchover demotes this cluster, and cannot be set before it is a member.
      lifecycle: { preventDestroy: true, ignoreChanges: props.globalMember ? ['global_cluster_identifier', 'enable_global_write_forwarding'] : undefined },
    });
    for (let i = 0; i <= props.readers; i++) {
      new RdsClusterInstance(this, i === 0 ? 'Writer' : `Reader${i}`, {
        clusterIdentifier: this.cluster.id,
        instanceClass: 'db.serverless',
        engine: 'aurora-postgresql',
        engineVersion: AURORA_POSTGRES_VERSION,
        availabilityZone: props.availabilityZones[i % props.availabilityZones.length],
        promotionTier: i === 0 ? 0 : 1,
        // Pinned: an upgrade is a change of AURORA_POSTGRES_VERSION (docs/runbooks/engine-upgrade.md).
        autoMinorVersionUpgrade: false,
        publiclyAccessible: false,
        // The zones come from the network's live zone list: placed once, kept (as the subnets).
        lifecycle: { ignoreChanges: ['availability_zone'] },
        ...instanceMonitoring,
      });
    }
    this.secret = new SecretsmanagerSecret(this, 'Secret', {
      description: 'Credentials and connection settings of the Aurora cluster',
      replica: props.secretReplicaRegions?.map((region) => ({ region })),
      lifecycle: { preventDestroy: true },
    });
    new SecretsmanagerSecretVersion(this, 'SecretValue', {
      secretId: this.secret.id,
      secretString: Fn.jsonencode({
        engine: 'postgres', host: this.cluster.endpoint, port: props.port, dbname: DATABASE_NAME,
        username: 'app_admin', password: password.result, dbClusterIdentifier: this.cluster.clusterIdentifier,
      }),
    });
    this.addAlarms(props);
  }

  /** Hostname of the reader endpoint. */
  public get readerHost(): string {
    return this.cluster.readerEndpoint;
  }

  private addAlarms(props: TfAuroraDatabaseProps) {
    for (const [id, setting] of Object.entries(ALARMS.auroraDatabase)) {
      this.alarms.push(new CloudwatchMetricAlarm(this, id, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${id}`,
        ...alarmMetric(setting, { DBClusterIdentifier: this.cluster.clusterIdentifier }), ...alarmSettings(setting),
        alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn],
      }));
    }
  }
}
