import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ALARMS, AURORA_POSTGRES_VERSION, SIZES } from '../core/settings';
import { alarmMetric, alarmSettings } from './alarm-topic';
import { accountAdministers, DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES } from './log-encryption-key';
import { auroraClusterBase } from './aurora-database';

export interface TfAuroraSecondaryClusterProps {
  /** VPC of the cluster's security group. */
  readonly vpcId: string;
  /** Isolated subnets in at least 2 AZs. */
  readonly subnetIds: string[];
  /** AZs the instances take in turn. */
  readonly availabilityZones: string[];
  /** The global database to join. */
  readonly globalClusterIdentifier: string;
  /** Fixed name of the cluster: it names the log group and the final snapshot. */
  readonly clusterIdentifier: string;
  /** The primary's port. */
  readonly port: number;
  /** Serverless v2 minimum in ACUs; a global database cannot pause, so at least 0.5. */
  readonly minCapacity: number;
  /** Serverless v2 maximum in ACUs, at least `minCapacity`. */
  readonly maxCapacity: number;
  /**
   * Global write forwarding: clients write through this cluster's endpoints and Aurora forwards
   * their DML to the primary (DDL is refused: migrations run in the primary region).
   * @default true
   */
  readonly writeForwarding?: boolean;
  /** Security groups admitted on `port`. */
  readonly clientSecurityGroupIds: string[];
  /** Topic notified by the replication-lag and CPU alarms. */
  readonly alarmTopicArn: string;
  /** Retention of the exported PostgreSQL log, in days. */
  readonly logRetentionDays: number;
  /**
   * The primary cluster's secret (ARN and region), replicated to `region`: this cluster's
   * clients read the replica, whose ARN is `secretArn`.
   * @default - no `secretArn`: the cluster has no credentials of its own
   */
  readonly primarySecret?: { readonly arn: string; readonly region: string };
  /**
   * This cluster's region (its provider's). Needed with `primarySecret`.
   * @default - not used without `primarySecret`
   */
  readonly region?: string;
  /**
   * Enhanced monitoring of every instance, in seconds (1, 5, 10, 15, 30 or 60).
   * @default - none
   */
  readonly monitoringIntervalSeconds?: number;
}

/**
 * The second region's cluster of the global database, as the CDK `AuroraSecondaryCluster`: no
 * users of its own, storage encrypted with a rotated key of this region, TLS required, IAM
 * authentication, backups, deletion protection, a final snapshot and
 * `prevent_destroy`; global write forwarding; two Serverless v2 instances on the pinned engine
 * version (no automatic minor upgrades); alarms on global replication lag and CPU.
 */
export class TfAuroraSecondaryCluster extends Construct {
  public readonly cluster: RdsCluster;
  public readonly alarms: CloudwatchMetricAlarm[] = [];
  /** ARN of the primary secret's replica in this region (with `primarySecret`). */
  public readonly secretArn?: string;

  constructor(scope: Construct, id: string, props: TfAuroraSecondaryClusterProps) {
    super(scope, id);
    if (props.minCapacity < 0.5 || props.maxCapacity < props.minCapacity) {
      throw new Error(`TfAuroraSecondaryCluster needs 0.5 <= minCapacity <= maxCapacity (a global database cannot pause), got ${props.minCapacity} and ${props.maxCapacity}`);
    }
    if (props.availabilityZones.length === 0) {
      throw new Error('TfAuroraSecondaryCluster availabilityZones is empty: pass the AZs of the subnets');
    }
    if (props.primarySecret) {
      if (!props.region) throw new Error('TfAuroraSecondaryCluster primarySecret needs region: the region of this cluster, where the replica is');
      if (props.region === props.primarySecret.region) {
        throw new Error(`TfAuroraSecondaryCluster region ${props.region} is the primary secret's: a secondary cluster lives in another region`);
      }
      // The replica keeps the primary secret's name and ARN but for the region.
      this.secretArn = Fn.replace(props.primarySecret.arn, `:${props.primarySecret.region}:`, `:${props.region}:`);
    }
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    const key = new KmsKey(this, 'Key', {
      description: 'Storage of the secondary Aurora cluster',
      enableKeyRotation: true,
      policy: new DataAwsIamPolicyDocument(this, 'KeyPolicy', {
        statement: [accountAdministers(partition.partition, account.accountId), DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES],
      }).json,
    });
    const { settings, instanceMonitoring } = auroraClusterBase(this, { ...props, description: 'secondary Aurora cluster' });
    this.cluster = new RdsCluster(this, 'Resource', {
      ...settings,
      globalClusterIdentifier: props.globalClusterIdentifier,
      enableGlobalWriteForwarding: props.writeForwarding ?? true,
      kmsKeyId: key.arn,
      lifecycle: { preventDestroy: true, ignoreChanges: ['replication_source_identifier'] },
    });
    for (let i = 0; i < SIZES.secondaryClusterInstances; i++) {
      new RdsClusterInstance(this, `Instance${i + 1}`, {
        clusterIdentifier: this.cluster.id, instanceClass: 'db.serverless', engine: 'aurora-postgresql', engineVersion: AURORA_POSTGRES_VERSION,
        availabilityZone: props.availabilityZones[i % props.availabilityZones.length], autoMinorVersionUpgrade: false, publiclyAccessible: false,
        // The zones come from the network's live zone list: placed once, kept (as the subnets).
        lifecycle: { ignoreChanges: ['availability_zone'] },
        ...instanceMonitoring,
      });
    }
    for (const [alarmId, setting] of Object.entries(ALARMS.auroraSecondaryCluster)) {
      this.alarms.push(new CloudwatchMetricAlarm(this, alarmId, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${alarmId}`,
        ...alarmMetric(setting, { DBClusterIdentifier: this.cluster.clusterIdentifier }), ...alarmSettings(setting),
        alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn],
      }));
    }
  }
}
