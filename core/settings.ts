/**
 * The settings table: every alarm both engines create (as data, its description generated from
 * its numbers), the move-up signals of the ladder, the maintenance and backup windows, and the
 * sizes and counts both engines repeat, the pinned versions, and the AWS names and paths the
 * constructs use. Engine-free and importing nothing (no CDK or CDK for Terraform imports): the
 * CloudFormation constructs (`lib/`), the Terraform constructs (`terraform/`) and the stage
 * placements of both read them here, so a number changes in this file only, and a copied
 * construct takes this one file with it.
 */

/** How an alarm compares its metric with the threshold (CloudWatch's names, both engines'). */
export type AlarmComparison = 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';

/** CloudWatch's treatment of periods without data. */
export type MissingData = 'breaching' | 'notBreaching' | 'missing';

/** The unit of a threshold, for its description: `80 %`, `400`, `15 minutes`, `1 s`. */
export type ThresholdUnit = 'percent' | 'count' | 'seconds' | 'milliseconds';

/**
 * What an alarm watches. A metric by namespace and name; `acrossNodes` when the engines combine
 * the metric of every cache node (`MAX([n0, n1])`, `SUM(...)`); an `expression` when the value is
 * metric math over the named metrics (`using`: query ID to metric name, in `namespace`).
 */
export interface AlarmMetric {
  readonly namespace: string;
  /** The metric's name, or (with `expression`) a name for the value. */
  readonly name: string;
  readonly acrossNodes?: 'MAX' | 'SUM';
  readonly expression?: string;
  readonly label?: string;
  readonly using?: Readonly<Record<string, string>>;
}

/** One alarm as data: both engines render it, and its description comes from these numbers. */
export interface AlarmSetting {
  readonly metric: AlarmMetric;
  /** `Average`, `Maximum`, `Minimum`, `Sum`, or a percentile (`p99`). */
  readonly statistic: string;
  readonly periodSeconds: number;
  readonly threshold: number;
  readonly unit: ThresholdUnit;
  /** Consecutive periods beyond the threshold before the alarm fires. */
  readonly evaluationPeriods: number;
  readonly comparison: AlarmComparison;
  /**
   * Periods without data.
   * @default - CloudWatch's default, `missing` (CloudFormation leaves the property out)
   */
  readonly missingData?: MissingData;
  /**
   * What the alarm means and what to do, with the numbers as placeholders that `describeAlarm`
   * fills: `{threshold}` (with its unit), `{duration}` (period × evaluation periods), `{period}`,
   * `{statistic}`, `{complement}` (100 − a percent threshold), and any variable the caller passes
   * (`{region}`, `{path}`). It holds no number of its own.
   */
  readonly text: string;
}

/** `15 minutes`, `3 hours`, `a day`: a span of seconds in words. */
export function durationText(seconds: number): string {
  const units: Array<[number, string, string]> = [[86400, 'day', 'a day'], [3600, 'hour', 'an hour'], [60, 'minute', 'a minute']];
  for (const [size, unit, one] of units) {
    if (seconds % size === 0) return seconds === size ? one : `${seconds / size} ${unit}s`;
  }
  return `${seconds} s`;
}

/** `hour`, `5 minutes`: a period as in "every hour". */
function periodText(seconds: number): string {
  const text = durationText(seconds);
  return text.replace(/^an? /, '');
}

/** The threshold with its unit: `80 %`, `400`, `15 minutes`, `1 s`. */
export function thresholdText(setting: Pick<AlarmSetting, 'threshold' | 'unit'>): string {
  const t = setting.threshold;
  switch (setting.unit) {
    case 'percent': return `${t} %`;
    case 'count': return `${t}`;
    case 'seconds': return t >= 60 && t % 60 === 0 ? durationText(t) : `${t} s`;
    case 'milliseconds': return t >= 1000 ? `${t / 1000} s` : `${t} ms`;
  }
}

/** The alarm's description: its text with the numbers (and `vars`) filled in. */
export function describeAlarm(setting: AlarmSetting, vars: Readonly<Record<string, string>> = {}): string {
  const values: Record<string, string> = {
    threshold: thresholdText(setting),
    duration: durationText(setting.periodSeconds * setting.evaluationPeriods),
    period: periodText(setting.periodSeconds),
    statistic: setting.statistic,
    complement: `${Number((100 - setting.threshold).toFixed(6))} %`,
    ...vars,
  };
  return setting.text.replace(/\{(\w+)\}/g, (_whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`alarm text "${setting.text}" names {${key}}, which has no value`);
    return value;
  });
}

const ABOVE: AlarmComparison = 'GreaterThanOrEqualToThreshold';
const BELOW: AlarmComparison = 'LessThanThreshold';

const ec2 = (name: string): AlarmMetric => ({ namespace: 'AWS/EC2', name });
const agent = (name: string): AlarmMetric => ({ namespace: 'CWAgent', name });
const rds = (name: string): AlarmMetric => ({ namespace: 'AWS/RDS', name });
const sqs = (name: string): AlarmMetric => ({ namespace: 'AWS/SQS', name });
const elb = (name: string): AlarmMetric => ({ namespace: 'AWS/ApplicationELB', name });
const cacheNodes = (name: string, across: 'MAX' | 'SUM'): AlarmMetric => ({ namespace: 'AWS/ElastiCache', name, acrossNodes: across });

/** Requests answered with 5xx by the load balancer or a target, in percent of all requests. */
export const ERROR_RATE_METRIC: AlarmMetric = {
  namespace: 'AWS/ApplicationELB',
  name: '5xx rate',
  expression: '100 * (elb5xx + target5xx) / MAX([requests, 1])',
  label: '5xx rate (%)',
  using: { elb5xx: 'HTTPCode_ELB_5XX_Count', target5xx: 'HTTPCode_Target_5XX_Count', requests: 'RequestCount' },
};

/** Cache hits in percent of lookups over the nodes; 100 while there are fewer than 100 lookups. */
export const HIT_RATE_METRIC: AlarmMetric = {
  namespace: 'AWS/ElastiCache',
  name: 'Cache hit rate',
  label: 'Cache hit rate (%)',
  using: { hn: 'CacheHits', mn: 'CacheMisses' },
};

/**
 * The alarms of each component, by the construct ID both engines give them. The box's EC2 alarms
 * treat missing data as breaching: a stopped instance reports no status checks.
 */
export const ALARMS = {
  singleBox: {
    SystemStatusAlarm: {
      metric: ec2('StatusCheckFailed_System'), statistic: 'Maximum', periodSeconds: 60, threshold: 1, unit: 'count', evaluationPeriods: 2,
      comparison: ABOVE, missingData: 'breaching',
      text: 'The host failed its system status check: EC2 recovers the instance onto new hardware',
    },
    InstanceStatusAlarm: {
      metric: ec2('StatusCheckFailed_Instance'), statistic: 'Maximum', periodSeconds: 60, threshold: 1, unit: 'count', evaluationPeriods: 3,
      comparison: ABOVE, missingData: 'breaching',
      text: 'The instance failed its status check (kernel, boot, network): inspect it through Session Manager',
    },
    CpuAlarm: {
      metric: ec2('CPUUtilization'), statistic: 'Average', periodSeconds: 60, threshold: 80, unit: 'percent', evaluationPeriods: 15,
      comparison: ABOVE, missingData: 'breaching',
      text: 'CPU above {threshold} for {duration}: the box is the ceiling; time to split the database (stage 2) or grow the instance',
    },
    MemoryAlarm: {
      metric: agent('mem_used_percent'), statistic: 'Average', periodSeconds: 300, threshold: 90, unit: 'percent', evaluationPeriods: 3,
      comparison: ABOVE, missingData: 'missing',
      text: 'Memory above {threshold} for {duration}: the app and the database compete for memory',
    },
    RootDiskAlarm: {
      metric: agent('disk_used_percent'), statistic: 'Average', periodSeconds: 300, threshold: 85, unit: 'percent', evaluationPeriods: 1,
      comparison: ABOVE, missingData: 'missing',
      text: 'Root volume above {threshold} full',
    },
    DataDiskAlarm: {
      metric: agent('disk_used_percent'), statistic: 'Average', periodSeconds: 300, threshold: 80, unit: 'percent', evaluationPeriods: 1,
      comparison: ABOVE, missingData: 'missing',
      text: 'Database volume above {threshold} full: grow the volume (online) or move to stage 2',
    },
  },
  auroraDatabase: {
    CpuAlarm: {
      metric: rds('CPUUtilization'), statistic: 'Average', periodSeconds: 300, threshold: 80, unit: 'percent', evaluationPeriods: 3,
      comparison: ABOVE,
      text: 'Database CPU above {threshold} for {duration}: add a reader and move reads to it, or raise the maximum capacity',
    },
    ConnectionsAlarm: {
      metric: rds('DatabaseConnections'), statistic: 'Maximum', periodSeconds: 300, threshold: 400, unit: 'count', evaluationPeriods: 3,
      comparison: ABOVE,
      text: 'More than {threshold} connections for {duration}: check for connection leaks, add pooling (RDS Proxy)',
    },
  },
  auroraSecondaryCluster: {
    ReplicationLagAlarm: {
      metric: rds('AuroraGlobalDBReplicationLag'), statistic: 'Maximum', periodSeconds: 300, threshold: 1000, unit: 'milliseconds',
      evaluationPeriods: 3, comparison: ABOVE, missingData: 'notBreaching',
      text: 'Global database replication more than {threshold} behind for {duration}: a failover now would lose that much',
    },
    CpuAlarm: {
      metric: rds('CPUUtilization'), statistic: 'Average', periodSeconds: 300, threshold: 80, unit: 'percent', evaluationPeriods: 3,
      comparison: ABOVE, missingData: 'notBreaching',
      text: 'Secondary cluster CPU above {threshold} for {duration}: raise its maximum capacity',
    },
  },
  edgeDistribution: {
    ErrorRateAlarm: {
      metric: { namespace: 'AWS/CloudFront', name: '5xxErrorRate' }, statistic: 'Average', periodSeconds: 300, threshold: 5, unit: 'percent',
      evaluationPeriods: 3, comparison: ABOVE, missingData: 'notBreaching',
      text: 'More than {threshold} of viewer requests failed with 5xx for {duration}',
    },
  },
  jobQueue: {
    DeadLetterAlarm: {
      metric: sqs('ApproximateNumberOfMessagesVisible'), statistic: 'Maximum', periodSeconds: 300, threshold: 1, unit: 'count',
      evaluationPeriods: 1, comparison: ABOVE, missingData: 'notBreaching',
      text: 'A job failed every attempt and waits in the dead-letter queue: inspect it, fix the cause, redrive it',
    },
    BacklogAgeAlarm: {
      metric: sqs('ApproximateAgeOfOldestMessage'), statistic: 'Maximum', periodSeconds: 300, threshold: 900, unit: 'seconds',
      evaluationPeriods: 3, comparison: ABOVE, missingData: 'notBreaching',
      text: 'The oldest job has waited more than {threshold} for {duration}: workers are too few or stuck',
    },
  },
  valkeyCache: {
    CpuAlarm: {
      metric: cacheNodes('EngineCPUUtilization', 'MAX'), statistic: 'Average', periodSeconds: 300, threshold: 80, unit: 'percent',
      evaluationPeriods: 3, comparison: ABOVE, missingData: 'notBreaching',
      text: 'Valkey engine CPU above {threshold} for {duration} on a node: a larger node type, or fewer expensive commands',
    },
    MemoryAlarm: {
      metric: cacheNodes('DatabaseMemoryUsagePercentage', 'MAX'), statistic: 'Average', periodSeconds: 300, threshold: 80, unit: 'percent',
      evaluationPeriods: 3, comparison: ABOVE, missingData: 'notBreaching',
      text: 'Valkey memory above {threshold} for {duration}: evictions follow; a larger node type, or shorter TTLs',
    },
    EvictionsAlarm: {
      metric: cacheNodes('Evictions', 'SUM'), statistic: 'Sum', periodSeconds: 300, threshold: 100, unit: 'count',
      evaluationPeriods: 3, comparison: ABOVE, missingData: 'notBreaching',
      text: 'More than {threshold} evictions every {period} for {duration}: the cache is too small for its working set',
    },
    HitRateAlarm: {
      metric: HIT_RATE_METRIC, statistic: 'Sum', periodSeconds: 300, threshold: 80, unit: 'percent',
      evaluationPeriods: 3, comparison: BELOW, missingData: 'notBreaching',
      text: 'Cache hit rate below {threshold} for {duration}: the database carries the reads the cache should',
    },
  },
  webTier: {
    ErrorRateAlarm: {
      metric: ERROR_RATE_METRIC, statistic: 'Sum', periodSeconds: 60, threshold: 5, unit: 'percent',
      evaluationPeriods: 5, comparison: ABOVE, missingData: 'notBreaching',
      text: 'More than {threshold} of requests failed with 5xx for {duration}',
    },
    LatencyAlarm: {
      metric: elb('TargetResponseTime'), statistic: 'p99', periodSeconds: 60, threshold: 2, unit: 'seconds',
      evaluationPeriods: 5, comparison: ABOVE, missingData: 'notBreaching',
      text: '{statistic} target response time above {threshold} for {duration}: scale out, or look at the database',
    },
    // Readiness (`/health`: database and cache) is not a target health check, so a dependency
    // failover shows as 5xx and latency, not as unhealthy hosts.
    UnhealthyHostsAlarm: {
      metric: elb('UnHealthyHostCount'), statistic: 'Maximum', periodSeconds: 60, threshold: 1, unit: 'count',
      evaluationPeriods: 5, comparison: ABOVE, missingData: 'notBreaching',
      text: 'At least one target failed its liveness check ({path}) for {duration}: the app process is not answering, and the group replaces the instance',
    },
  },
  /** The alarm Route 53's health check of a region reads (stage 5): no healthy target, or no data at all. */
  serving: {
    ServingAlarm: {
      metric: elb('HealthyHostCount'), statistic: 'Minimum', periodSeconds: 60, threshold: 1, unit: 'count',
      evaluationPeriods: 2, comparison: BELOW, missingData: 'breaching',
      text: 'No healthy app instance in {region} for {duration}: Route 53 fails the origin over to the other region',
    },
  },
} as const satisfies Record<string, Record<string, AlarmSetting>>;

/** What both engines hold of a move-up signal: the alarm's settings (missing data never breaches). */
export type MoveUpSignal = AlarmSetting;

const moveUp = (s: Omit<AlarmSetting, 'missingData' | 'comparison'> & { readonly below?: boolean }): MoveUpSignal => {
  const { below, ...rest } = s;
  return { ...rest, comparison: below ? BELOW : ABOVE, missingData: 'notBreaching' };
};
const sustainedCpu = (who: string, why: string): MoveUpSignal => moveUp({
  metric: ec2('CPUUtilization'), statistic: 'Average', periodSeconds: 3600, threshold: 70, unit: 'percent', evaluationPeriods: 3,
  text: `${who} averaged more than {threshold} CPU for {duration}: ${why}`,
});

/**
 * The move-up signals of each stage (by stage name, then signal): sustained values that say the
 * stage is its own ceiling. `core/stages.ts` names the alarms and reads their meaning from here.
 */
export const MOVE_UP_SIGNALS: Readonly<Record<string, Readonly<Record<string, MoveUpSignal>>>> = {
  'single-box': {
    'cpu': sustainedCpu('the box', 'app and database compete for it'),
    'data-disk': moveUp({
      metric: agent('disk_used_percent'), statistic: 'Maximum', periodSeconds: 300, threshold: 70, unit: 'percent', evaluationPeriods: 3,
      text: 'the database volume is more than {threshold} full: the data outgrows the box',
    }),
  },
  'split-db': {
    'cpu': sustainedCpu('the app instance', 'one web instance is the ceiling'),
    'db-connections': moveUp({
      metric: rds('DatabaseConnections'), statistic: 'Average', periodSeconds: 3600, threshold: 300, unit: 'count', evaluationPeriods: 3,
      text: 'more than {threshold} database connections for {duration}: traffic needs more app instances',
    }),
  },
  'load-balanced': {
    'db-cpu': moveUp({
      metric: rds('CPUUtilization'), statistic: 'Average', periodSeconds: 3600, threshold: 60, unit: 'percent', evaluationPeriods: 3,
      text: 'the database averaged more than {threshold} CPU for {duration}: reads need a cache',
    }),
    'replica-lag': moveUp({
      metric: rds('AuroraReplicaLagMaximum'), statistic: 'Maximum', periodSeconds: 300, threshold: 1000, unit: 'milliseconds', evaluationPeriods: 3,
      text: 'the reader was more than {threshold} behind the writer for {duration}: read load outgrows the reader',
    }),
    'db-capacity': moveUp({
      metric: rds('ACUUtilization'), statistic: 'Average', periodSeconds: 3600, threshold: 75, unit: 'percent', evaluationPeriods: 3,
      text: 'Aurora used more than {threshold} of its maximum capacity for {duration}',
    }),
  },
  'cache-cdn': {
    'availability': moveUp({
      metric: ERROR_RATE_METRIC, statistic: 'Sum', periodSeconds: 86400, threshold: 0.1, unit: 'percent', evaluationPeriods: 1,
      text: 'more than {threshold} of requests failed with 5xx over {duration}: one region does not hold {complement}',
    }),
    'cache-evictions': moveUp({
      metric: cacheNodes('Evictions', 'SUM'), statistic: 'Sum', periodSeconds: 3600, threshold: 1, unit: 'count', evaluationPeriods: 3,
      text: 'Valkey evicted keys every {period} for {duration}: the working set outgrows the cache (a larger node type first)',
    }),
    'cache-hit-rate': moveUp({
      metric: HIT_RATE_METRIC, statistic: 'Sum', periodSeconds: 3600, threshold: 80, unit: 'percent', evaluationPeriods: 3, below: true,
      text: 'the cache hit rate stayed under {threshold} for {duration}: reads fall through to the one writer region',
    }),
  },
  'multi-region': {},
};

/** A move-up alarm's description: why it fired, as the ladder says. */
export function describeMoveUp(signal: MoveUpSignal): string {
  return `Time to plan the next stage: ${describeAlarm(signal)}`;
}

/**
 * Maintenance and backup windows, in UTC, as both engines write them. Backups and snapshots run
 * first, maintenance after them on Sunday morning: nothing patches a cluster while it is backed up.
 */
export const WINDOWS = {
  /** Weekly maintenance of every Aurora cluster and the Valkey replication group (`ddd:hh:mm-ddd:hh:mm`). */
  maintenance: 'sun:05:00-sun:06:00',
  /** Aurora's daily automated backup (`hh:mm-hh:mm`). */
  auroraBackup: '03:30-04:30',
  /** Valkey's daily snapshot (`hh:mm-hh:mm`). */
  cacheSnapshot: '03:00-04:00',
  /** The data volume's daily snapshot by Data Lifecycle Manager: the start time and the interval. */
  volumeSnapshotTime: '03:00',
  volumeSnapshotIntervalHours: 24,
} as const;

/** Sizes, counts and durations both engines repeat (seconds unless the name says otherwise). */
export const SIZES = {
  /** The stage-1 database volume (gp3), grown online later. */
  dataVolumeGiB: 20,
  /** Daily snapshots of the data volume that Data Lifecycle Manager keeps. */
  volumeSnapshotsRetained: 7,
  /** The root volume of every app instance (gp3). */
  rootVolumeGiB: 20,
  /** Days of automated Aurora backups (primary and secondary clusters). */
  auroraBackupRetentionDays: 7,
  /** Valkey's node type and days of its daily snapshots. */
  cacheNodeType: 'cache.t4g.small',
  cacheSnapshotRetentionDays: 7,
  /** The load balancer's liveness check of a target. */
  healthCheck: { intervalSeconds: 15, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
  /** Seconds the load balancer drains a target before it is deregistered. */
  deregistrationDelaySeconds: 30,
  /** Seconds a new instance warms up before its metrics count for scaling, and between simple scaling activities. */
  instanceWarmupSeconds: 180,
  /** Seconds the web tier's group waits before it acts on a failed load-balancer check of a new instance. */
  healthCheckGraceSeconds: 600,
  /** CloudFormation's rolling update of an Auto Scaling group: one instance at a time, each given this long to signal. */
  rollingUpdate: { maxBatchSize: 1, pauseSeconds: 900 },
  /** Visible jobs per worker the worker group's target tracking keeps. */
  backlogPerWorker: 100,
  scalingCooldownSeconds: 300,
  /** The web tier's target tracking: average CPU in percent, and requests per target per minute. */
  scalingTargetCpuPercent: 70,
  scalingTargetRequestsPerMinute: 1000,
  /** The job queue: days a job and a dead-lettered job are kept, the visibility timeout, attempts before the dead-letter queue, long polling. */
  queueRetentionDays: 4,
  deadLetterRetentionDays: 14,
  queueVisibilityTimeoutSeconds: 120,
  queueMaxReceiveCount: 5,
  queueReceiveWaitSeconds: 20,
  /** App instances of the web tier (stage 3 on): `minCapacity` and `maxCapacity`'s defaults. */
  webCapacity: { min: 2, max: 6 },
  /** Aurora Serverless v2 capacity in ACUs: `dbMinCapacity` and `dbMaxCapacity`'s defaults. */
  auroraCapacity: { min: 0.5, max: 8 },
  /** Days every log group keeps its events: `logRetentionDays`'s default. */
  logRetentionDays: 30,
  /** Valkey replicas beside the primary (Multi-AZ needs one). */
  cacheReplicas: 1,
  /** Serverless v2 instances of the second region's cluster (stage 5). */
  secondaryClusterInstances: 2,
  /** Workers the backlog scaling keeps between (stage 4 on). */
  workerCapacity: { min: 1, max: 4 },
  /**
   * Bucket lifecycles: days access logs are kept, days a replaced (noncurrent) version is kept in
   * a log bucket and in an asset or app-package bucket, days before an incomplete upload is aborted.
   */
  accessLogExpirationDays: 90,
  logNoncurrentVersionDays: 1,
  assetNoncurrentVersionDays: 30,
  abortIncompleteUploadDays: 1,
  /** Requests one address may send in 5 minutes before the WAF web ACL blocks it. */
  webAclRateLimitPer5Minutes: 2000,
  /** Seconds CloudFront waits for the origin's response. */
  originReadTimeoutSeconds: 30,
} as const;

/**
 * The key policy statement every KMS key of both engines carries: nobody may create a grant on
 * the key unless the grant is for an AWS resource or the caller is an AWS service (AWS Control
 * Tower's CT.KMS.PR.3, in the exact form its rule reads). Services that hold their own keys
 * through grants (EBS, RDS) still create them; nobody can hand the key to another principal.
 */
export const DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES = {
  Sid: 'DenyGrantsExceptForAwsServices',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
} as const;

/** The intervals, in seconds, RDS enhanced monitoring accepts. */
export const MONITORING_INTERVALS: readonly number[] = [1, 5, 10, 15, 30, 60];

/** Throws unless `seconds` is an interval RDS enhanced monitoring accepts; `what` names the prop. */
export function checkMonitoringInterval(what: string, seconds: number | undefined): void {
  if (seconds !== undefined && !MONITORING_INTERVALS.includes(seconds)) {
    throw new Error(`${what} must be one of ${MONITORING_INTERVALS.join(', ')} seconds, got ${seconds}`);
  }
}

/*
 * Versions both engines pin: a version moves only by a change here and a deploy
 * (docs/runbooks/engine-upgrade.md), never by a maintenance window.
 */

/**
 * Aurora PostgreSQL of every cluster, primary and secondary. Automatic minor version upgrades are
 * off on every instance: a global database's clusters must run the same version (a secondary
 * created at stage 5 gets this one), and Terraform would otherwise try to move a cluster that AWS
 * upgraded back down. 16.x supports Serverless v2 and global write forwarding in every minor.
 */
export const AURORA_POSTGRES_VERSION = '16.6';

/** The major version of `version`: the parameter group family is `aurora-postgresql<major>`. */
export function majorVersion(version: string = AURORA_POSTGRES_VERSION): string {
  return version.split('.')[0];
}

/* Names and paths the constructs of both engines use. */

/** Valkey's port: TLS only, not the default 6379. */
export const CACHE_PORT = 6380;

/** The database every Aurora cluster creates and the app uses. */
export const DATABASE_NAME = 'app';

/**
 * Header CloudFront adds to every request to the load balancer, which forwards only those (stage
 * 4 on). The CDK construct `EdgeDistribution` re-exports it.
 */
export const ORIGIN_VERIFY_HEADER = 'X-Origin-Verify';

/**
 * Stage 5's origin names in the hosted zone: `origin-<region>.<zone>` for each region, and
 * `origin-failover.<zone>` for the write paths, a Route 53 failover record over both. Not
 * `origin.<zone>`: stage 4's runbook has users create that name by hand as `originDomainName`, and
 * Route 53 refuses failover records beside a plain record of the same name and type.
 */
export const ORIGIN_RECORD_LABELS = { region: 'origin', failover: 'origin-failover' } as const;

/** The AWS-managed prefix list of CloudFront's origin-facing addresses (as `CloudFrontPrefixList`). */
export const CLOUDFRONT_ORIGIN_FACING = 'com.amazonaws.global.cloudfront.origin-facing';

/**
 * The app's liveness path: 200 while the process serves, whatever its database and cache do. The
 * load balancer and the Auto Scaling group act on it (`/health` is readiness). The CDK construct
 * `WebTier` re-exports it.
 */
export const LIVENESS_PATH = '/health/live';

/**
 * Public SSM parameter of the latest Amazon Linux 2023 AMI for Graviton, read when an instance is
 * created unless an image is pinned. `lib/app-instance.ts` re-exports it.
 */
export const AL2023_ARM64_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64';

/** Name of the service-linked role EC2 Auto Scaling publishes group notifications as. */
export const AUTO_SCALING_SERVICE_LINKED_ROLE = 'AWSServiceRoleForAutoScaling';
