import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { Construct } from 'constructs';
import { AURORA_POSTGRES_VERSION } from '../core/versions';
import { auroraClusterBase } from './aurora-database';

export interface TfAuroraSecondaryClusterProps {
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly availabilityZones: string[];
  /** The global database to join. */
  readonly globalClusterIdentifier: string;
  readonly clusterIdentifier: string;
  readonly port: number;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /**
   * Global write forwarding: clients write through this cluster's endpoints and Aurora forwards
   * their DML to the primary (DDL is refused: migrations run in the primary region).
   * @default true
   */
  readonly writeForwarding?: boolean;
  readonly clientSecurityGroupIds: string[];
  readonly alarmTopicArn: string;
  readonly logRetentionDays: number;
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

  constructor(scope: Construct, id: string, props: TfAuroraSecondaryClusterProps) {
    super(scope, id);
    const key = new KmsKey(this, 'Key', { description: 'Storage of the secondary Aurora cluster', enableKeyRotation: true });
    const { settings } = auroraClusterBase(this, { ...props, description: 'secondary Aurora cluster' });
    this.cluster = new RdsCluster(this, 'Resource', {
      ...settings,
      globalClusterIdentifier: props.globalClusterIdentifier,
      enableGlobalWriteForwarding: props.writeForwarding ?? true,
      kmsKeyId: key.arn,
      lifecycle: { preventDestroy: true, ignoreChanges: ['replication_source_identifier'] },
    });
    for (let i = 0; i < 2; i++) {
      new RdsClusterInstance(this, `Instance${i + 1}`, {
        clusterIdentifier: this.cluster.id, instanceClass: 'db.serverless', engine: 'aurora-postgresql', engineVersion: AURORA_POSTGRES_VERSION,
        availabilityZone: props.availabilityZones[i % props.availabilityZones.length], autoMinorVersionUpgrade: false, publiclyAccessible: false,
      });
    }
    const alarm = (alarmId: string, metricName: string, statistic: string, threshold: number, description: string) => {
      this.alarms.push(new CloudwatchMetricAlarm(this, alarmId, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${alarmId}`, alarmDescription: description,
        namespace: 'AWS/RDS', metricName, statistic, period: 300, dimensions: { DBClusterIdentifier: this.cluster.clusterIdentifier },
        threshold, evaluationPeriods: 3, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
        alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn],
      }));
    };
    alarm('ReplicationLagAlarm', 'AuroraGlobalDBReplicationLag', 'Maximum', 1000,
      'Global database replication more than 1 s behind for 15 minutes: a failover now would lose that much');
    alarm('CpuAlarm', 'CPUUtilization', 'Average', 80, 'Secondary cluster CPU above 80 % for 15 minutes: raise its maximum capacity');
  }
}
