import { Token } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ElasticacheReplicationGroup } from '@cdktf/provider-aws/lib/elasticache-replication-group';
import { ElasticacheSubnetGroup } from '@cdktf/provider-aws/lib/elasticache-subnet-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Password } from '@cdktf/provider-random/lib/password';
import { Construct } from 'constructs';
import { ALARMS, AlarmSetting, CACHE_PORT, SIZES, WINDOWS } from '../core/settings';
import { alarmSettings } from './alarm-topic';

export interface TfValkeyCacheProps {
  /** VPC of the cache's security group. */
  readonly vpcId: string;
  /** Isolated subnets in at least 2 AZs (one node in each). */
  readonly subnetIds: string[];
  /** Fixed ID of the replication group (its nodes are `<id>-001`, `-002`, ...). */
  readonly replicationGroupId: string;
  /** Security groups admitted on the port. */
  readonly clientSecurityGroupIds: string[];
  /** Topic notified by the cache's alarms. */
  readonly alarmTopicArn: string;
  /** Retention of the slow and engine logs, in days. */
  readonly logRetentionDays: number;
  /**
   * Port clients connect on (TLS).
   * @default - `CACHE_PORT` of core/settings.ts (6380)
   */
  readonly port?: number;
  /**
   * Node type of the primary and the replica.
   * @default - `SIZES.cacheNodeType` of core/settings.ts ('cache.t4g.small')
   */
  readonly nodeType?: string;
}

/**
 * Valkey on ElastiCache, as the CDK `ValkeyCache`: a primary and a replica in another AZ with
 * automatic failover, encrypted at rest and in transit (TLS required), an AUTH token generated
 * into Secrets Manager, port 6380, daily snapshots kept 7 days and a final one, the slow log in
 * CloudWatch Logs; alarms across nodes on engine CPU, memory, evictions and hit rate.
 */
export class TfValkeyCache extends Construct {
  public readonly replicationGroup: ElasticacheReplicationGroup;
  public readonly authToken: SecretsmanagerSecret;
  public readonly port: number;
  public readonly alarms: CloudwatchMetricAlarm[] = [];
  private readonly nodes = SIZES.cacheReplicas + 1;

  constructor(scope: Construct, id: string, props: TfValkeyCacheProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.replicationGroupId) && !/^[a-z][a-z0-9-]{0,35}$/.test(props.replicationGroupId)) {
      throw new Error(`TfValkeyCache replicationGroupId must be 1 to 36 lowercase letters, digits or hyphens starting with a letter, got '${props.replicationGroupId}'`);
    }
    if (props.nodeType !== undefined && !Token.isUnresolved(props.nodeType) && !props.nodeType.startsWith('cache.')) {
      throw new Error(`TfValkeyCache nodeType must be an ElastiCache node type such as 'cache.t4g.small', got '${props.nodeType}'`);
    }
    this.port = props.port ?? CACHE_PORT;
    const securityGroup = new SecurityGroup(this, 'SecurityGroup', { vpcId: props.vpcId, description: 'Valkey cache' });
    props.clientSecurityGroupIds.forEach((client, i) => new VpcSecurityGroupIngressRule(this, `FromClient${i + 1}`, {
      securityGroupId: securityGroup.id, referencedSecurityGroupId: client, ipProtocol: 'tcp', fromPort: this.port, toPort: this.port,
    }));
    const subnets = new ElasticacheSubnetGroup(this, 'SubnetGroup', {
      name: `${props.replicationGroupId}-subnets`, description: 'Subnets of the Valkey cache', subnetIds: props.subnetIds,
    });
    const slowLog = new CloudwatchLogGroup(this, 'SlowLog', { retentionInDays: props.logRetentionDays, skipDestroy: true });
    const token = new Password(this, 'Token', { length: 64, special: false });
    this.authToken = new SecretsmanagerSecret(this, 'AuthToken', { description: 'AUTH token of the Valkey cache' });
    new SecretsmanagerSecretVersion(this, 'AuthTokenValue', { secretId: this.authToken.id, secretString: token.result });
    this.replicationGroup = new ElasticacheReplicationGroup(this, 'Resource', {
      replicationGroupId: props.replicationGroupId,
      description: 'Sessions and cached reads',
      engine: 'valkey',
      engineVersion: '8.0',
      nodeType: props.nodeType ?? SIZES.cacheNodeType,
      numCacheClusters: this.nodes,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      port: this.port,
      subnetGroupName: subnets.name,
      securityGroupIds: [securityGroup.id],
      atRestEncryptionEnabled: 'true',
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: token.result,
      snapshotRetentionLimit: SIZES.cacheSnapshotRetentionDays,
      snapshotWindow: WINDOWS.cacheSnapshot,
      maintenanceWindow: WINDOWS.maintenance,
      autoMinorVersionUpgrade: 'true',
      finalSnapshotIdentifier: `${props.replicationGroupId}-final`,
      logDeliveryConfiguration: [{ destination: slowLog.name, destinationType: 'cloudwatch-logs', logFormat: 'json', logType: 'slow-log' }],
    });
    this.addAlarms(props.alarmTopicArn);
  }

  /** `host:port` of the primary endpoint. */
  public get primaryEndpoint(): string {
    return `${this.replicationGroup.primaryEndpointAddress}:${this.port}`;
  }

  /** Metric queries of `metricName` on every node, their IDs prefixed with `prefix`. */
  public perNode(prefix: string, metricName: string, stat: string, period: number): CloudwatchMetricAlarmMetricQuery[] {
    return Array.from({ length: this.nodes }, (_, i) => ({
      id: `${prefix}${i}`,
      metric: {
        namespace: 'AWS/ElastiCache', metricName, stat, period,
        dimensions: { CacheClusterId: `${this.replicationGroup.replicationGroupId}-00${i + 1}` },
      },
    }));
  }

  /** The hit-rate expression and its queries (100 while there are fewer than 100 lookups). */
  public hitRate(period: number): CloudwatchMetricAlarmMetricQuery[] {
    const hits = this.perNode('hn', 'CacheHits', 'Sum', period);
    const misses = this.perNode('mn', 'CacheMisses', 'Sum', period);
    const sum = (queries: CloudwatchMetricAlarmMetricQuery[]) => `SUM([${queries.map((q) => q.id).join(', ')}])`;
    const lookups = `${sum(hits)} + ${sum(misses)}`;
    return [{ id: 'rate', expression: `IF(${lookups} >= 100, 100 * ${sum(hits)} / (${lookups}), 100)`, label: 'Cache hit rate (%)', returnData: true },
      ...hits, ...misses];
  }

  private addAlarms(topic: string) {
    const across = (setting: AlarmSetting): CloudwatchMetricAlarmMetricQuery[] => {
      if (!setting.metric.acrossNodes) throw new Error(`the ${setting.metric.name} alarm's settings name no function across the nodes`);
      const nodes = this.perNode('n', setting.metric.name, setting.statistic, setting.periodSeconds);
      return [{ id: 'value', expression: `${setting.metric.acrossNodes}([${nodes.map((q) => q.id).join(', ')}])`, returnData: true }, ...nodes];
    };
    const add = (id: keyof typeof ALARMS.valkeyCache, metricQuery: CloudwatchMetricAlarmMetricQuery[]) => {
      this.alarms.push(new CloudwatchMetricAlarm(this, id, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${id}`, metricQuery, ...alarmSettings(ALARMS.valkeyCache[id]),
        alarmActions: [topic], okActions: [topic],
      }));
    };
    const settings = ALARMS.valkeyCache;
    add('CpuAlarm', across(settings.CpuAlarm));
    add('MemoryAlarm', across(settings.MemoryAlarm));
    add('EvictionsAlarm', across(settings.EvictionsAlarm));
    add('HitRateAlarm', this.hitRate(settings.HitRateAlarm.periodSeconds));
  }
}
