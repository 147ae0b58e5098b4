/**
 * A monthly cost estimate computed from a stage's synthesized templates: each priced resource
 * times the dated price table (core/prices.ts), plus usage-driven lines from explicit, overridable
 * assumptions.
 */
import { Hardening, HARDENING_METADATA } from '../core/config';
import { STAGES } from '../core/stages';
import { assertMappedTemplates } from '../core/resource-types';
import { HOURS_PER_MONTH, instanceHourly, PRICE_SOURCE, PRICE_TABLE_DATE, PRICED_REGIONS, PRICES, RegionPrices, valkeyNodeHourly } from '../core/prices';
import { StageTemplates } from './synth-cache';

/** Usage the templates cannot tell; each is a CLI flag. */
export interface CostAssumptions {
  /** Average Aurora capacity per DB instance, in ACUs. */
  readonly acuAverage: number;
  readonly auroraStorageGb: number;
  /** Aurora I/O requests per month, in millions. */
  readonly auroraIoMillions: number;
  /** Average load balancer capacity units. */
  readonly albLcu: number;
  /** GB through the NAT gateways per month, all of them. */
  readonly natGb: number;
  /** GB sent to the internet per month. */
  readonly egressGb: number;
  /** GB ingested into CloudWatch Logs per month (app, system, flow logs); stored for 1 month. */
  readonly logsGb: number;
  /** GB kept in S3 buckets. */
  readonly s3Gb: number;
  /** SQS requests per month beyond the free million (sends, receives, deletes), in millions. */
  readonly sqsMillionRequests: number;
  /** GB CloudFront serves to viewers per month. */
  readonly cdnGb: number;
  /** Requests CloudFront (and its web ACL) serves per month, in millions. */
  readonly cdnMillionRequests: number;
  /** GB a global database (stage 5) replicates to the second region per month. */
  readonly replicationGb: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  acuAverage: 0.5, auroraStorageGb: 20, auroraIoMillions: 10, albLcu: 1, natGb: 50, egressGb: 50, logsGb: 5, s3Gb: 5,
  sqsMillionRequests: 1, cdnGb: 50, cdnMillionRequests: 10, replicationGb: 10,
};

export interface CostLine {
  readonly component: 'compute' | 'network' | 'database' | 'cache' | 'queue' | 'edge' | 'storage' | 'monitoring' | 'security';
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPriceUsd: number;
  readonly monthlyUsd: number;
  /** True when the quantity comes from an assumption, not the templates. */
  readonly assumed: boolean;
}

export interface CostEstimate {
  readonly stage: number;
  /** The stage's hardening level, read from its templates: `strict` adds keys, monitoring and a year of logs. */
  readonly hardening: Hardening;
  readonly region: string;
  /** Stage 5's second region, priced at its own prices (its lines' items start with it). */
  readonly secondaryRegion?: string;
  readonly priceTableDate: string;
  readonly priceSource: string;
  readonly totalMonthlyUsd: number;
  readonly lines: CostLine[];
  readonly assumptions: CostAssumptions;
}

export class UnknownRegionError extends Error {
  constructor(region: string) {
    super(`no prices for region ${JSON.stringify(region)}; supported: ${PRICED_REGIONS.join(', ')}`);
  }
}

/**
 * The estimate of `templates`. From stage 5, the stacks of `secondaryRegion` (named
 * `-<secondaryRegion>`) are priced at that region's prices, their lines prefixed with it, and the
 * usage assumptions apply to each region.
 */
export function estimateCost(stage: number, templates: StageTemplates, region: string, assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS,
  secondaryRegion?: string): CostEstimate {
  const prices = PRICES[region];
  if (!prices) throw new UnknownRegionError(region);
  if (secondaryRegion !== undefined && !PRICES[secondaryRegion]) throw new UnknownRegionError(secondaryRegion);
  // A type without a cost line or a reason to be free would be left out of the total unseen.
  assertMappedTemplates('cost', templates);
  const lines: CostLine[] = [];
  // Replicated write I/O: as many as the primary's writes, assumed to be all of `auroraIoMillions`.
  const isSecondary = (name: string) => secondaryRegion !== undefined && name.endsWith(`-${secondaryRegion}`);
  const pick = (secondary: boolean) => Object.fromEntries(Object.entries(templates).filter(([name]) => isSecondary(name) === secondary));
  regionLines(pick(false), prices, assumptions, lines, '');
  const second = pick(true);
  if (secondaryRegion !== undefined && Object.keys(second).length) {
    const secondPrices = PRICES[secondaryRegion];
    regionLines(second, secondPrices, assumptions, lines, `${secondaryRegion}: `);
    const globalSecondary = Object.values(second).some((t) => Object.values<any>(t.Resources ?? {})
      .some((r) => r.Type === 'AWS::RDS::DBCluster' && r.Properties.GlobalClusterIdentifier));
    if (globalSecondary) {
      const add = adder(lines, '');
      add('database', 'Aurora global database: replicated write I/O', assumptions.auroraIoMillions, 'million requests', secondPrices.auroraIoMillion, true);
      add('database', 'Aurora global database: replication transfer', assumptions.replicationGb, 'GB', prices.interRegionTransferGb, true);
    }
  }
  return {
    stage,
    hardening: Object.values(templates).some((t) => t.Metadata?.[HARDENING_METADATA] === 'strict') ? 'strict' : 'standard',
    region,
    secondaryRegion: Object.keys(second).length ? secondaryRegion : undefined,
    priceTableDate: PRICE_TABLE_DATE,
    priceSource: PRICE_SOURCE,
    totalMonthlyUsd: cents(lines.reduce((sum, l) => sum + l.monthlyUsd, 0)),
    lines,
    assumptions,
  };
}

function adder(lines: CostLine[], prefix: string): Add {
  return (component, item, quantity, unit, unitPriceUsd, assumed = false) => {
    if (quantity > 0) lines.push({ component, item: prefix + item, quantity, unit, unitPriceUsd, monthlyUsd: cents(quantity * unitPriceUsd), assumed });
  };
}

/** The lines of one region's templates. */
function regionLines(templates: StageTemplates, prices: RegionPrices, assumptions: CostAssumptions, lines: CostLine[], prefix: string) {
  const add = adder(lines, prefix);
  // Logical IDs repeat across stacks (each stack of stage 4 on has its own alarm topic and key).
  const all = Object.values(templates).flatMap((t) => Object.values<any>(t.Resources ?? {}).map((r) => ({ r, template: t })));
  const ofType = (type: string) => all.filter(({ r }) => r.Type === type).map(({ r }) => r);

  for (const instance of ofType('AWS::EC2::Instance')) {
    instanceLines(add, prices, instance.Properties.InstanceType, 1, instance.Properties.Monitoring === true, rootGb(instance.Properties.BlockDeviceMappings));
  }
  for (const { r: group, template } of all.filter(({ r }) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')) {
    const data = template.Resources[group.Properties.LaunchTemplate.LaunchTemplateId.Ref].Properties.LaunchTemplateData;
    instanceLines(add, prices, data.InstanceType, Number(group.Properties.MinSize), data.Monitoring?.Enabled === true, rootGb(data.BlockDeviceMappings));
  }
  for (const volume of ofType('AWS::EC2::Volume')) {
    add('storage', 'EBS gp3 data volume', volume.Properties.Size, 'GB-month', prices.ebsGp3GbMonth);
    add('storage', 'EBS snapshots of the data volume (one full copy)', volume.Properties.Size, 'GB-month', prices.ebsSnapshotGbMonth, true);
  }
  add('network', 'Public IPv4 addresses (Elastic IPs)', ofType('AWS::EC2::EIP').length * HOURS_PER_MONTH, 'address-hours', prices.publicIpv4Hourly);
  const nat = ofType('AWS::EC2::NatGateway').length;
  add('network', 'NAT gateways', nat * HOURS_PER_MONTH, 'gateway-hours', prices.natGatewayHourly);
  if (nat) add('network', 'NAT data processed', assumptions.natGb, 'GB', prices.natGatewayGb, true);
  const albs = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').length;
  add('network', 'Application Load Balancer', albs * HOURS_PER_MONTH, 'hours', prices.albHourly);
  // An internet-facing load balancer holds a public IPv4 address in each of its (2) AZs.
  add('network', 'Public IPv4 addresses of the load balancer', albs * 2 * HOURS_PER_MONTH, 'address-hours', prices.publicIpv4Hourly);
  if (albs) add('network', 'Load balancer capacity units', albs * assumptions.albLcu * HOURS_PER_MONTH, 'LCU-hours', prices.albLcuHourly, true);
  add('network', 'Data transfer out to the internet', assumptions.egressGb, 'GB', prices.dataTransferOutGb, true);

  const dbInstances = ofType('AWS::RDS::DBInstance').length;
  add('database', 'Aurora Serverless v2 capacity', dbInstances * assumptions.acuAverage * HOURS_PER_MONTH, 'ACU-hours', prices.auroraAcuHourly, true);
  if (ofType('AWS::RDS::DBCluster').length) {
    add('database', 'Aurora storage', assumptions.auroraStorageGb, 'GB-month', prices.auroraStorageGbMonth, true);
    add('database', 'Aurora I/O', assumptions.auroraIoMillions, 'million requests', prices.auroraIoMillion, true);
  }

  for (const group of ofType('AWS::ElastiCache::ReplicationGroup')) {
    const p = group.Properties;
    add('cache', `ElastiCache for Valkey ${p.CacheNodeType}`, p.NumCacheClusters * HOURS_PER_MONTH, 'node-hours', valkeyNodeHourly(prices, p.CacheNodeType));
  }
  if (ofType('AWS::SQS::Queue').length) add('queue', 'SQS requests', assumptions.sqsMillionRequests, 'million requests', prices.sqsMillionRequests, true);
  if (ofType('AWS::CloudFront::Distribution').length) {
    add('edge', 'CloudFront data to viewers', assumptions.cdnGb, 'GB', prices.cloudFrontGb, true);
    add('edge', 'CloudFront HTTPS requests', assumptions.cdnMillionRequests, 'million requests', prices.cloudFrontMillionRequests, true);
  }
  for (const acl of ofType('AWS::WAFv2::WebACL')) {
    add('edge', 'WAF web ACL', 1, 'web ACLs', prices.wafWebAclMonthly);
    add('edge', 'WAF rules', (acl.Properties.Rules ?? []).length, 'rules', prices.wafRuleMonthly);
    add('edge', 'WAF requests', assumptions.cdnMillionRequests, 'million requests', prices.wafMillionRequests, true);
  }
  add('network', 'Route 53 hosted zones', ofType('AWS::Route53::HostedZone').length, 'zones', prices.route53HostedZoneMonthly);
  add('network', 'Route 53 health checks', ofType('AWS::Route53::HealthCheck').length, 'health checks', prices.route53HealthCheckMonthly);

  const alarmMetrics = ofType('AWS::CloudWatch::Alarm')
    .reduce((n, a) => n + (a.Properties.Metrics ? a.Properties.Metrics.filter((m: any) => m.MetricStat).length : 1), 0);
  add('monitoring', 'CloudWatch alarms (per metric)', alarmMetrics, 'alarm metrics', prices.alarmMetricMonthly);
  add('monitoring', 'CloudWatch dashboards', ofType('AWS::CloudWatch::Dashboard').length, 'dashboards', prices.dashboardMonthly);
  add('monitoring', 'CloudWatch Logs ingestion', assumptions.logsGb, 'GB', prices.logsIngestGb, true);
  // Logs stay as long as their retention: a month of ingestion is stored for that many months once
  // the groups are full (a month or less counts as one). The retention most groups have is the
  // configured one (CDK's deploy-time functions keep their own small logs longer).
  const retentions = [...ofType('AWS::Logs::LogGroup'), ...ofType('Custom::LogRetention')].map((g) => Number(g.Properties?.RetentionInDays ?? 0));
  const retentionDays = mostCommon(retentions) ?? 0;
  const storedMonths = Math.max(1, Math.round((retentionDays / DAYS_PER_MONTH) * 100) / 100);
  add('monitoring', 'CloudWatch Logs storage', cents(assumptions.logsGb * storedMonths), 'GB-month', prices.logsStorageGbMonth, true);
  // Enhanced monitoring sends each instance's OS metrics to CloudWatch Logs (RDSOSMetrics).
  const monitored = ofType('AWS::RDS::DBInstance').filter((i) => i.Properties.MonitoringInterval);
  const osMetricsGb = monitored.reduce((gb, i) => gb + ENHANCED_MONITORING_GB_AT_60_S * (60 / Number(i.Properties.MonitoringInterval)), 0);
  add('database', 'Aurora enhanced monitoring (CloudWatch Logs ingestion)', cents(osMetricsGb), 'GB', prices.logsIngestGb, true);
  if (ofType('AWS::S3::Bucket').length) add('storage', 'S3 Standard (logs and assets)', assumptions.s3Gb, 'GB-month', prices.s3StandardGbMonth, true);
  // A replica in another region is billed as a secret of its own.
  const secrets = ofType('AWS::SecretsManager::Secret').reduce((n, r) => n + 1 + (r.Properties?.ReplicaRegions ?? []).length, 0);
  add('security', 'Secrets Manager secrets (and their replicas)', secrets, 'secrets', prices.secretMonthly);
  add('security', 'KMS customer-managed keys', ofType('AWS::KMS::Key').length, 'keys', prices.kmsKeyMonthly);

}

const DAYS_PER_MONTH = 365 / 12;

/** The value that occurs most often (the larger one on a tie), or undefined for none. */
function mostCommon(values: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
}

/**
 * GB of OS metrics enhanced monitoring ingests per instance a month at a 60 s interval: one
 * RDSOSMetrics event of about 2 KB a minute (43,800 a month); proportionally more at shorter intervals.
 */
const ENHANCED_MONITORING_GB_AT_60_S = 0.09;

type Add = (component: CostLine['component'], item: string, quantity: number, unit: string, unitPriceUsd: number, assumed?: boolean) => void;

function instanceLines(add: Add, prices: RegionPrices, type: string, count: number, monitored: boolean, rootGbEach: number) {
  add('compute', `EC2 ${type}`, count * HOURS_PER_MONTH, 'instance-hours', instanceHourly(prices, type));
  if (monitored) add('compute', 'EC2 detailed monitoring', count, 'instances', prices.ec2DetailedMonitoringMonthly);
  add('storage', 'EBS gp3 root volumes', count * rootGbEach, 'GB-month', prices.ebsGp3GbMonth);
}

function rootGb(mappings: Array<{ Ebs?: { VolumeSize?: number } }> | undefined): number {
  return (mappings ?? []).reduce((sum, m) => sum + (m.Ebs?.VolumeSize ?? 0), 0);
}

function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A table per component, with subtotals and the total. */
export function renderCost(estimate: CostEstimate): string {
  const out = [`Stage ${estimate.stage} in ${estimate.region} (hardening ${estimate.hardening}): about $${estimate.totalMonthlyUsd.toFixed(2)} a month`,
    `Prices: ${estimate.priceSource}. Lines marked * are assumptions (flags of this command).`, ''];
  const width = Math.max(54, ...estimate.lines.map((l) => l.item.length + 4));
  for (const component of [...new Set(estimate.lines.map((l) => l.component))]) {
    const lines = estimate.lines.filter((l) => l.component === component);
    out.push(`${component}  $${cents(lines.reduce((s, l) => s + l.monthlyUsd, 0)).toFixed(2)}`);
    for (const l of lines) {
      out.push(`  ${(l.assumed ? '* ' : '  ') + l.item}`.padEnd(width + 2) + `${l.quantity} ${unitOf(l)} x $${l.unitPriceUsd}`.padEnd(42) + `$${l.monthlyUsd.toFixed(2)}`);
    }
  }
  out.push('', `total  $${estimate.totalMonthlyUsd.toFixed(2)} a month`);
  return out.join('\n') + '\n';
}

/** The unit of a line as it reads after its quantity: "1 dashboard", "2 dashboards", "1 million requests". */
function unitOf(line: CostLine): string {
  return line.quantity === 1 && /[^s]s$/.test(line.unit) && !line.unit.startsWith('million') ? line.unit.slice(0, -1) : line.unit;
}

/** One row of totals per stage, for `cost 1..5`: what each step up the ladder costs. */
export function renderCostRange(estimates: CostEstimate[]): string {
  const out = [`Monthly estimate per stage (hardening ${estimates[0].hardening}). Prices: ${estimates[0].priceSource}.`,
    'Usage assumptions are this command\'s flags (defaults unless set); `cost <stage>` itemizes one stage.', ''];
  const label = (e: CostEstimate) => `${e.stage} ${STAGES[e.stage - 1].name}`;
  const width = Math.max(...estimates.map((e) => label(e).length)) + 2;
  out.push(`${'stage'.padEnd(width)}${'region'.padEnd(24)}${'USD a month'.padStart(12)}${'change'.padStart(12)}`);
  estimates.forEach((e, i) => {
    const regions = e.secondaryRegion ? `${e.region} + ${e.secondaryRegion}` : e.region;
    const change = i === 0 ? '' : `${e.totalMonthlyUsd >= estimates[i - 1].totalMonthlyUsd ? '+' : '-'}${Math.abs(e.totalMonthlyUsd - estimates[i - 1].totalMonthlyUsd).toFixed(2)}`;
    out.push(`${label(e).padEnd(width)}${regions.padEnd(24)}${e.totalMonthlyUsd.toFixed(2).padStart(12)}${change.padStart(12)}`);
  });
  return out.join('\n') + '\n';
}
