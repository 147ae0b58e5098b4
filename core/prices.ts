/**
 * On-demand prices (USD) for the resources the ladder uses, per supported region. Engine-free
 * data for `growth-stages cost`.
 *
 * Source: the AWS public pricing pages for EC2 (Linux on-demand, public IPv4, NAT gateway, EBS),
 * Elastic Load Balancing, Aurora PostgreSQL (Serverless v2, Aurora Standard storage and I/O),
 * ElastiCache for Valkey, SQS, CloudFront, AWS WAF, Route 53, Secrets Manager, KMS, CloudWatch,
 * S3 Standard and data transfer out (first 10 TB), as compiled
 * on PRICE_TABLE_DATE. This workplace cannot reach the AWS Price List API, so the figures were not
 * checked against a price list publication: check them with the AWS Pricing Calculator before
 * budgeting, and update this file (with its date) when they move. Free tiers are not applied.
 */
export const PRICE_TABLE_DATE = '2026-11-24';
export const PRICE_SOURCE = 'AWS public pricing pages, on-demand, compiled 2026-11-24 (not checked against the Price List API)';

export const HOURS_PER_MONTH = 730;

export interface RegionPrices {
  /** Per hour, by instance type; sizes not listed scale with vCPUs from `.large`. */
  readonly ec2Hourly: Record<string, number>;
  /** Detailed monitoring, per instance per month (7 metrics at the custom-metric rate). */
  readonly ec2DetailedMonitoringMonthly: number;
  readonly ebsGp3GbMonth: number;
  readonly ebsSnapshotGbMonth: number;
  readonly publicIpv4Hourly: number;
  readonly natGatewayHourly: number;
  readonly natGatewayGb: number;
  readonly albHourly: number;
  readonly albLcuHourly: number;
  readonly auroraAcuHourly: number;
  readonly auroraStorageGbMonth: number;
  readonly auroraIoMillion: number;
  readonly secretMonthly: number;
  readonly kmsKeyMonthly: number;
  /** Per metric of a standard-resolution alarm. */
  readonly alarmMetricMonthly: number;
  readonly dashboardMonthly: number;
  readonly logsIngestGb: number;
  readonly logsStorageGbMonth: number;
  readonly s3StandardGbMonth: number;
  readonly dataTransferOutGb: number;
  /** Data transfer to another AWS region (global database replication), per GB. */
  readonly interRegionTransferGb: number;
  /** ElastiCache for Valkey nodes per hour (Valkey lists at 80 % of Redis OSS). */
  readonly valkeyNodeHourly: Record<string, number>;
  /** Per million requests beyond the free million. */
  readonly sqsMillionRequests: number;
  /** CloudFront data out to viewers (North America and Europe, first 10 TB). */
  readonly cloudFrontGb: number;
  /** CloudFront HTTPS requests, per million. */
  readonly cloudFrontMillionRequests: number;
  readonly wafWebAclMonthly: number;
  readonly wafRuleMonthly: number;
  readonly wafMillionRequests: number;
  readonly route53HostedZoneMonthly: number;
  /** Health check of an AWS endpoint, per month. */
  readonly route53HealthCheckMonthly: number;
}

const US_GRAVITON: Record<string, number> = {
  't4g.nano': 0.0042, 't4g.micro': 0.0084, 't4g.small': 0.0168, 't4g.medium': 0.0336, 't4g.large': 0.0672,
  'm6g.large': 0.077, 'm7g.large': 0.0816, 'm8g.large': 0.08976,
  'c6g.large': 0.068, 'c7g.large': 0.0725, 'c8g.large': 0.07976,
  'r6g.large': 0.1008, 'r7g.large': 0.1071, 'r8g.large': 0.11781,
};

const US: RegionPrices = {
  ec2Hourly: US_GRAVITON,
  ec2DetailedMonitoringMonthly: 2.1,
  ebsGp3GbMonth: 0.08,
  ebsSnapshotGbMonth: 0.05,
  publicIpv4Hourly: 0.005,
  natGatewayHourly: 0.045,
  natGatewayGb: 0.045,
  albHourly: 0.0225,
  albLcuHourly: 0.008,
  auroraAcuHourly: 0.12,
  auroraStorageGbMonth: 0.1,
  auroraIoMillion: 0.2,
  secretMonthly: 0.4,
  kmsKeyMonthly: 1,
  alarmMetricMonthly: 0.1,
  dashboardMonthly: 3,
  logsIngestGb: 0.5,
  logsStorageGbMonth: 0.03,
  s3StandardGbMonth: 0.023,
  dataTransferOutGb: 0.09,
  interRegionTransferGb: 0.02,
  valkeyNodeHourly: {
    'cache.t4g.micro': 0.0128, 'cache.t4g.small': 0.0256, 'cache.t4g.medium': 0.0512,
    'cache.m7g.large': 0.1264, 'cache.r7g.large': 0.1752,
  },
  sqsMillionRequests: 0.4,
  cloudFrontGb: 0.085,
  cloudFrontMillionRequests: 1,
  wafWebAclMonthly: 5,
  wafRuleMonthly: 1,
  wafMillionRequests: 0.6,
  route53HostedZoneMonthly: 0.5,
  route53HealthCheckMonthly: 0.5,
};

export const PRICES: Record<string, RegionPrices> = {
  'us-east-1': US,
  'us-west-2': US,
  'eu-west-1': {
    ...US,
    // Graviton instances in Ireland list about 9.5 % above N. Virginia (t4g.small: 0.0184).
    ec2Hourly: Object.fromEntries(Object.entries(US_GRAVITON).map(([type, price]) => [type, round(price * 1.095)])),
    ebsGp3GbMonth: 0.088,
    ebsSnapshotGbMonth: 0.05,
    natGatewayHourly: 0.048,
    natGatewayGb: 0.048,
    albHourly: 0.0252,
    auroraAcuHourly: 0.13,
    auroraStorageGbMonth: 0.11,
    auroraIoMillion: 0.22,
    logsIngestGb: 0.57,
    s3StandardGbMonth: 0.023,
    valkeyNodeHourly: Object.fromEntries(Object.entries(US.valkeyNodeHourly).map(([type, price]) => [type, round(price * 1.1)])),
  },
};

export const PRICED_REGIONS = Object.keys(PRICES);

const SIZE_FACTORS: Record<string, number> = {
  large: 1, xlarge: 2, '2xlarge': 4, '4xlarge': 8, '8xlarge': 16, '12xlarge': 24, '16xlarge': 32,
};

/** Hourly price of a Valkey node type. */
export function valkeyNodeHourly(prices: RegionPrices, type: string): number {
  const price = prices.valkeyNodeHourly[type];
  if (price === undefined) throw new Error(`no price for cache node type ${type}`);
  return price;
}

/** Hourly price of an instance type, scaled from the family's `.large` when not listed. */
export function instanceHourly(prices: RegionPrices, type: string): number {
  if (prices.ec2Hourly[type] !== undefined) return prices.ec2Hourly[type];
  const [family, size] = type.split('.');
  const large = prices.ec2Hourly[`${family}.large`];
  if (large === undefined || SIZE_FACTORS[size] === undefined) throw new Error(`no price for instance type ${type}`);
  return round(large * SIZE_FACTORS[size]);
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
