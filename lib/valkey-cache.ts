import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARMS, AlarmSetting, CACHE_PORT, SIZES, WINDOWS } from '../core/settings';
import { settingAlarm } from './alarms';

export interface ValkeyCacheProps {
  /** VPC of the cache. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the nodes: isolated ones, in at least 2 AZs. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Port clients connect on; not the default 6379, so scans for it do not find it.
   * @default - `CACHE_PORT` of core/settings.ts (6380)
   */
  readonly port?: number;
  /**
   * Node type.
   * @default - `SIZES.cacheNodeType` of core/settings.ts ('cache.t4g.small')
   */
  readonly nodeType?: string;
  /**
   * Replicas of the primary, each in another AZ: failover targets. At least 1.
   * @default - `SIZES.cacheReplicas` of core/settings.ts (1)
   */
  readonly replicas?: number;
  /**
   * Days of daily snapshots.
   * @default - `SIZES.cacheSnapshotRetentionDays` of core/settings.ts (7)
   */
  readonly snapshotRetention?: number;
  /**
   * What happens to the cache when it leaves the template.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Topic notified by the CPU, memory, eviction and hit-rate alarms.
   * @default - no alarms
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Retention of the slow log.
   * @default - `SIZES.logRetentionDays` of core/settings.ts (30 days)
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Valkey on ElastiCache: a replication group with a replica in another AZ and automatic failover,
 * encrypted at rest and in transit (TLS required), an AUTH token generated into Secrets Manager,
 * a non-default port, daily snapshots, the slow log in CloudWatch Logs. Reachable only through
 * `connections`.
 */
export class ValkeyCache extends Construct {
  public readonly replicationGroup: elasticache.CfnReplicationGroup;
  /** The AUTH token, as a plain string secret. */
  public readonly authToken: secretsmanager.Secret;
  public readonly connections: ec2.Connections;
  public readonly port: number;
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly nodes: number;

  constructor(scope: Construct, id: string, props: ValkeyCacheProps) {
    super(scope, id);
    const replicas = props.replicas ?? SIZES.cacheReplicas;
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
      throw new Error(`ValkeyCache replicas must be an integer from 1 to 5 (Multi-AZ needs one), got ${replicas}`);
    }
    this.port = props.port ?? CACHE_PORT;

    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'AUTH token of the Valkey cache',
      // ElastiCache accepts 16-128 printable characters without @, " or /: letters and digits only.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.authToken).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'ElastiCache rotates an AUTH token in two steps (ROTATE then SET) that a plain rotation schedule cannot drive; rotate it with the runbook',
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Valkey cache',
      allowAllOutbound: false,
    });
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(this.port) });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'Subnets of the Valkey cache',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });
    const slowLog = new logs.LogGroup(this, 'SlowLog', {
      retention: props.logRetention ?? SIZES.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'Resource', {
      replicationGroupDescription: 'Sessions and cached reads',
      engine: 'valkey',
      engineVersion: '8.0',
      cacheNodeType: props.nodeType ?? SIZES.cacheNodeType,
      numCacheClusters: replicas + 1,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      port: this.port,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      atRestEncryptionEnabled: true,
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      snapshotRetentionLimit: props.snapshotRetention ?? SIZES.cacheSnapshotRetentionDays,
      snapshotWindow: WINDOWS.cacheSnapshot,
      preferredMaintenanceWindow: WINDOWS.maintenance,
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [{
        destinationType: 'cloudwatch-logs',
        destinationDetails: { cloudWatchLogsDetails: { logGroup: slowLog.logGroupName } },
        logFormat: 'json',
        logType: 'slow-log',
      }],
    });
    this.replicationGroup.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.SNAPSHOT);

    this.nodes = replicas + 1;
    if (props.alarmTopic) this.addAlarms(props.alarmTopic);
  }

  /** `host:port` of the primary endpoint. */
  public get primaryEndpoint(): string {
    return `${this.replicationGroup.attrPrimaryEndPointAddress}:${this.replicationGroup.attrPrimaryEndPointPort}`;
  }

  /** The highest value of a node metric across the nodes (the primary moves on failover). */
  public metricMaxAcrossNodes(metricName: string, statistic: string, period = Duration.minutes(5)): cloudwatch.MathExpression {
    return this.acrossNodes('MAX', metricName, statistic, period);
  }

  /** Keys evicted for lack of memory, summed over the nodes. */
  public metricEvictions(period = Duration.minutes(5)): cloudwatch.MathExpression {
    return this.acrossNodes('SUM', 'Evictions', 'Sum', period);
  }

  /** Hits as a percentage of lookups over the nodes; 100 while there are fewer than 100 lookups. */
  public metricHitRate(period = Duration.minutes(5)): cloudwatch.MathExpression {
    const hits = this.perNode('hn', 'CacheHits', 'Sum', period);
    const misses = this.perNode('mn', 'CacheMisses', 'Sum', period);
    const sum = (metrics: Record<string, cloudwatch.IMetric>) => `SUM([${Object.keys(metrics).join(', ')}])`;
    const lookups = `${sum(hits)} + ${sum(misses)}`;
    return new cloudwatch.MathExpression({
      expression: `IF(${lookups} >= 100, 100 * ${sum(hits)} / (${lookups}), 100)`,
      usingMetrics: { ...hits, ...misses },
      label: 'Cache hit rate (%)',
      period,
    });
  }

  // Metrics are per node (`<group>-001`, `-002`, ...).
  private perNode(prefix: string, metricName: string, statistic: string, period: Duration): Record<string, cloudwatch.IMetric> {
    return Object.fromEntries(Array.from({ length: this.nodes }, (_, i) => [
      `${prefix}${i}`,
      new cloudwatch.Metric({
        namespace: 'AWS/ElastiCache',
        metricName,
        dimensionsMap: { CacheClusterId: `${this.replicationGroup.ref}-00${i + 1}` },
        statistic,
        period,
      }),
    ]));
  }

  private acrossNodes(fn: 'MAX' | 'SUM', metricName: string, statistic: string, period: Duration): cloudwatch.MathExpression {
    const metrics = this.perNode('n', metricName, statistic, period);
    return new cloudwatch.MathExpression({ expression: `${fn}([${Object.keys(metrics).join(', ')}])`, usingMetrics: metrics, period });
  }

  private addAlarms(topic: sns.ITopic) {
    const settings = ALARMS.valkeyCache;
    const period = (setting: AlarmSetting) => Duration.seconds(setting.periodSeconds);
    const across = (setting: AlarmSetting) => {
      if (!setting.metric.acrossNodes) throw new Error(`the ${setting.metric.name} alarm's settings name no function across the nodes`);
      return this.acrossNodes(setting.metric.acrossNodes, setting.metric.name, setting.statistic, period(setting));
    };
    this.alarms.push(
      settingAlarm(this, 'CpuAlarm', topic, settings.CpuAlarm, across(settings.CpuAlarm)),
      settingAlarm(this, 'MemoryAlarm', topic, settings.MemoryAlarm, across(settings.MemoryAlarm)),
      settingAlarm(this, 'EvictionsAlarm', topic, settings.EvictionsAlarm, across(settings.EvictionsAlarm)),
      settingAlarm(this, 'HitRateAlarm', topic, settings.HitRateAlarm, this.metricHitRate(period(settings.HitRateAlarm))),
    );
  }
}
