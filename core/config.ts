/**
 * Reads and validates the configuration of a growth-stages app. Engine-free: the CDK app, the
 * Terraform app and the CLI all parse input here, so a bad value is refused the same way
 * everywhere, before anything is synthesized.
 */
import { ORIGIN_RECORD_LABELS, SIZES } from './settings';
import { findStage, STAGE_CHOICES, StageDefinition } from './stages';

/**
 * A configuration value that cannot be used, or one that is needed and missing (`value`
 * undefined); the message is one line for the user.
 */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly accepted: string,
  ) {
    super(value === undefined ? `missing value for "${key}"; accepted: ${accepted}` : `invalid value for "${key}": ${JSON.stringify(value)}; accepted: ${accepted}`);
    this.name = 'ConfigError';
  }
}

export interface GrowthConfig {
  /** The stage to build. */
  readonly stage: StageDefinition;
  /** Prefix of every stack name and of named resources. */
  readonly appName: string;
  /** The primary region; every stage names its region and leaves the account to the CLI. */
  readonly region: string;
  /** The second region of stage 5. */
  readonly secondaryRegion: string;
  /** IPv4 CIDR of the VPC; subnets are carved from it with fixed masks. */
  readonly vpcCidr: string;
  /**
   * (stage 5) IPv4 CIDR of the second region's VPC; must not overlap `vpcCidr`, so the regions can
   * be joined (peering, Transit Gateway) later.
   */
  readonly secondaryVpcCidr: string;
  /** Instance type of the app instances (Graviton, arm64). */
  readonly instanceType: string;
  /** ACM certificate for the load balancer's HTTPS listener; without it the ALB serves HTTP. */
  readonly certificateArn?: string;
  /**
   * DNS name of the load balancer on its certificate, for CloudFront's HTTPS connection to it
   * (stage 4 on, with `certificateArn`).
   */
  readonly originDomainName?: string;
  /** The site's own host name on CloudFront (stage 4 on), with `edgeCertificateArn`. */
  readonly domainName?: string;
  /**
   * Route 53 hosted zone for the failover records of stage 5 (`origin-failover.<zone>` and one name
   * per region), with `hostedZoneName`.
   */
  readonly hostedZoneId?: string;
  readonly hostedZoneName?: string;
  /** (stage 5, with `certificateArn`) ACM certificate in `secondaryRegion` for its load balancer. */
  readonly secondaryCertificateArn?: string;
  /** ACM certificate in us-east-1 naming `domainName`, for CloudFront. */
  readonly edgeCertificateArn?: string;
  /**
   * Keeps the load balancer open to the internet at stage 4 and later, while DNS moves to
   * CloudFront (first deploy of docs/migrations/3-to-4.md); false admits only CloudFront.
   */
  readonly openOrigin: boolean;
  /**
   * (stage 3) Keeps the stage-2 box, its Elastic IP and its internet rules exactly as stage 2 had
   * them beside the new load balancer, while DNS moves to the load balancer (first deploy of
   * docs/migrations/2-to-3.md); false retires them.
   */
  readonly keepBox: boolean;
  /**
   * Pinned AMI of every app instance in `region` (arm64 Amazon Linux 2023); without it the image
   * is the latest one, resolved at every deploy. See docs/runbooks/image-update.md.
   */
  readonly imageId?: string;
  /** (stage 5) Pinned AMI of the app instances in `secondaryRegion` (AMI IDs are regional). */
  readonly secondaryImageId?: string;
  /** (Terraform) S3 bucket of the state files; local state without it. */
  readonly tfStateBucket?: string;
  /** E-mail address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** Auto Scaling group bounds (stage 3 on). */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /**
   * Aurora Serverless v2 capacity bounds in ACUs. The minimum defaults to 0.5, which always
   * serves; 0 (stages 2-4, set explicitly) lets the cluster auto-pause after 5 idle minutes, and
   * the first request after idle then waits ~15 s for it to resume.
   */
  readonly dbMinCapacity: number;
  readonly dbMaxCapacity: number;
  /** NAT gateways for the app subnets from stage 3: 2 keeps each AZ independent, 1 saves cost. */
  readonly natGateways: number;
  /** Retention of every log group, in days (at least 365 with `hardening=strict`, its default there). */
  readonly logRetentionDays: number;
  /**
   * `standard` keeps stage 1 cheap; `strict` also meets AWS Control Tower's proactive controls
   * (docs/hardening.md): log groups encrypted with a KMS key, subnets that assign no public
   * addresses, Aurora enhanced monitoring, detailed monitoring recorded in every launch template.
   */
  readonly hardening: Hardening;
}

/** The hardening levels: what each turns on is in docs/hardening.md. */
export const HARDENING_LEVELS = ['standard', 'strict'] as const;
export type Hardening = (typeof HARDENING_LEVELS)[number];

/** Template metadata key naming a stack's hardening level (set when it is not `standard`). */
export const HARDENING_METADATA = 'growth-stages:hardening';

/** What `hardening=strict` sets that has a number, for both engines. */
export const STRICT_HARDENING = {
  /** Interval of Aurora enhanced monitoring: the longest RDS accepts, the cheapest. */
  enhancedMonitoringSeconds: 60,
  /** The shortest log retention strict accepts, and its default (CT.CLOUDWATCH.PR.2). */
  minLogRetentionDays: 365,
} as const;

/** Commercial regions this project supports (Graviton, Aurora Serverless v2 and Valkey in each). */
export const REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
  'ap-south-1',
] as const;

/** Graviton families the arm64 Amazon Linux 2023 AMI runs on. */
const INSTANCE_FAMILIES = ['t4g', 'm6g', 'm7g', 'm8g', 'c6g', 'c7g', 'c8g', 'r6g', 'r7g', 'r8g'];
const INSTANCE_SIZES = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge', '4xlarge',
  '8xlarge', '12xlarge', '16xlarge'];

/** Retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
  1827, 2192, 2557, 2922, 3288, 3653];

export const DEFAULTS = {
  stage: 'single-box',
  appName: 'webapp',
  region: 'us-east-1',
  secondaryRegion: 'us-west-2',
  vpcCidr: '10.0.0.0/16',
  secondaryVpcCidr: '10.1.0.0/16',
  instanceType: 't4g.small',
  minCapacity: SIZES.webCapacity.min,
  maxCapacity: SIZES.webCapacity.max,
  dbMinCapacity: SIZES.auroraCapacity.min,
  dbMaxCapacity: SIZES.auroraCapacity.max,
  natGateways: 2,
  logRetentionDays: SIZES.logRetentionDays,
  hardening: 'standard',
} as const;

/** Every key `parseConfig` reads; `KEY_STAGES` (core/context-keys.ts) must list each. */
export const CONFIG_KEYS = ['stage', 'appName', 'region', 'secondaryRegion', 'vpcCidr', 'secondaryVpcCidr', 'instanceType',
  'certificateArn', 'originDomainName', 'domainName', 'edgeCertificateArn', 'hostedZoneId', 'hostedZoneName', 'secondaryCertificateArn', 'openOrigin', 'keepBox',
  'imageId', 'secondaryImageId', 'tfStateBucket', 'alarmEmail', 'minCapacity', 'maxCapacity', 'dbMinCapacity', 'dbMaxCapacity',
  'natGateways', 'logRetentionDays', 'hardening'] as const;

export type ConfigKey = (typeof CONFIG_KEYS)[number];

/**
 * Builds the configuration from raw values (CDK context, CLI flags), validating each one.
 * Values may arrive as strings (`-c key=value`) or JSON values (cdk.json).
 *
 * @throws ConfigError for the first value that is not accepted
 */
export function parseConfig(get: (key: ConfigKey) => unknown): GrowthConfig {
  const text = (key: ConfigKey, fallback?: string): string | undefined => {
    const raw = get(key);
    if (raw === undefined || raw === null || raw === '') return fallback;
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') throw new ConfigError(key, raw, 'a string');
    return String(raw).trim();
  };
  const required = (key: keyof typeof DEFAULTS) => text(key, String(DEFAULTS[key])) as string;

  const stageValue = required('stage');
  const stage = findStage(stageValue);
  if (!stage) throw new ConfigError('stage', stageValue, STAGE_CHOICES);

  const appName = matching('appName', required('appName'), /^[a-z][a-z0-9-]{1,19}$/,
    '2-20 characters: lowercase letters, digits and hyphens, starting with a letter');

  const region = oneOf('region', required('region'), REGIONS);
  // The default second region is us-west-2, or us-east-1 when the primary is us-west-2 itself.
  const defaultSecondary = region === DEFAULTS.secondaryRegion ? DEFAULTS.region : DEFAULTS.secondaryRegion;
  const secondaryRegion = oneOf('secondaryRegion', text('secondaryRegion', defaultSecondary)!, REGIONS);
  if (secondaryRegion === region) {
    throw new ConfigError('secondaryRegion', secondaryRegion, `a supported region other than region "${region}"`);
  }

  const vpcCidr = parseCidr('vpcCidr', required('vpcCidr'));
  const secondaryVpcCidr = parseCidr('secondaryVpcCidr', required('secondaryVpcCidr'));
  // A default that happens to overlap a chosen vpcCidr matters only once the second region exists.
  if ((stage.recipe.secondRegion || text('secondaryVpcCidr') !== undefined) && cidrsOverlap(vpcCidr, secondaryVpcCidr)) {
    throw new ConfigError('secondaryVpcCidr', secondaryVpcCidr,
      `an IPv4 network from /16 to /20 that does not overlap vpcCidr "${vpcCidr}" (the regions' VPCs must be joinable), like ${suggestSecondaryCidr(vpcCidr)}`);
  }

  const instanceType = required('instanceType');
  const [family, size, extra] = instanceType.split('.');
  if (extra !== undefined || !INSTANCE_FAMILIES.includes(family) || !INSTANCE_SIZES.includes(size)) {
    throw new ConfigError('instanceType', instanceType,
      `a Graviton (arm64) type <family>.<size>, family one of ${INSTANCE_FAMILIES.join(', ')}, size one of ${INSTANCE_SIZES.join(', ')}`);
  }

  const certificateArn = certificate('certificateArn', text('certificateArn'), region, "the load balancer's region");
  const originDomainName = hostName('originDomainName', text('originDomainName'));
  if (stage.recipe.serving === 'cloudfront' && !stage.recipe.secondRegion && certificateArn && !originDomainName) {
    throw new ConfigError('originDomainName', undefined, 'with certificateArn at stage 4, the DNS name on that certificate that resolves to the load balancer (CloudFront connects to it over HTTPS)');
  }
  const zoneId = text('hostedZoneId');
  const hostedZoneId = zoneId === undefined ? undefined
    : matching('hostedZoneId', zoneId, /^Z[A-Z0-9]{1,31}$/, 'a Route 53 hosted zone ID like Z0123456789ABCDEFGHIJ');
  const hostedZoneName = hostName('hostedZoneName', text('hostedZoneName'));
  if (Boolean(hostedZoneId) !== Boolean(hostedZoneName)) {
    throw new ConfigError(hostedZoneName ? 'hostedZoneId' : 'hostedZoneName', undefined, 'set together: hostedZoneId and hostedZoneName name one Route 53 hosted zone');
  }
  const secondaryCertificateArn = certificate('secondaryCertificateArn', text('secondaryCertificateArn'), secondaryRegion, 'the secondary region');
  if (stage.recipe.secondRegion && certificateArn) {
    if (!hostedZoneName) {
      throw new ConfigError('hostedZoneName', undefined, 'with certificateArn at stage 5, the hosted zone of the origin names the certificates carry (origin-<region>.<zone> and origin-failover.<zone>)');
    }
    if (!secondaryCertificateArn) {
      throw new ConfigError('secondaryCertificateArn', undefined, `with certificateArn at stage 5, a certificate in "${secondaryRegion}" for the second load balancer`);
    }
  }
  if (stage.recipe.secondRegion && hostedZoneName && originDomainName) {
    // Route 53 refuses the records stage 5 creates where a plain record of the same name exists.
    const created = [ORIGIN_RECORD_LABELS.failover, ...[region, secondaryRegion].map((r) => `${ORIGIN_RECORD_LABELS.region}-${r}`)].map((label) => `${label}.${hostedZoneName}`);
    if (created.includes(originDomainName)) {
      throw new ConfigError('originDomainName', originDomainName,
        `at stage 5 a name other than the ones it creates in the zone (${created.join(', ')}): Route 53 refuses a failover or alias record beside your own record of the same name`);
    }
  }
  const domainName = hostName('domainName', text('domainName'));
  const edgeCertificateArn = certificate('edgeCertificateArn', text('edgeCertificateArn'), 'us-east-1', "CloudFront's region");
  if (Boolean(domainName) !== Boolean(edgeCertificateArn)) {
    const [key, value] = domainName ? ['edgeCertificateArn', edgeCertificateArn] : ['domainName', domainName];
    throw new ConfigError(key, value, 'set together: domainName is the site\'s host name and edgeCertificateArn a us-east-1 certificate naming it');
  }

  const openOriginValue = text('openOrigin', 'false');
  if (openOriginValue !== 'true' && openOriginValue !== 'false') throw new ConfigError('openOrigin', get('openOrigin'), 'true or false');
  const openOrigin = openOriginValue === 'true';
  const keepBoxValue = text('keepBox', 'false');
  if (keepBoxValue !== 'true' && keepBoxValue !== 'false') throw new ConfigError('keepBox', get('keepBox'), 'true or false');
  const keepBox = keepBoxValue === 'true';

  const imageId = ami('imageId', text('imageId'));
  const secondaryImageId = ami('secondaryImageId', text('secondaryImageId'));
  if (stage.recipe.secondRegion && imageId && !secondaryImageId) {
    throw new ConfigError('secondaryImageId', undefined, `with imageId at stage 5, the AMI ID of the same image in "${secondaryRegion}" (AMI IDs are regional)`);
  }

  const tfStateBucketValue = text('tfStateBucket');
  const tfStateBucket = tfStateBucketValue === undefined ? undefined
    : matching('tfStateBucket', tfStateBucketValue, /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens');

  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined) {
    matching('alarmEmail', alarmEmail, /^[^\s@"'<>,;]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$/i,
      'one e-mail address, like ops@example.com');
  }

  const minCapacity = integer('minCapacity', required('minCapacity'), 2, 99);
  // The rolling update keeps minCapacity instances in service while it adds one: with
  // maxCapacity == minCapacity there is no room for it and CloudFormation rejects the update.
  const maxValue = required('maxCapacity');
  const maxCapacity = Number(maxValue);
  if (!/^\d+$/.test(maxValue) || maxCapacity <= minCapacity || maxCapacity > 100) {
    throw new ConfigError('maxCapacity', maxValue,
      `an integer from ${minCapacity + 1} to 100: greater than minCapacity (${minCapacity}), since a rolling update keeps minCapacity instances in service and needs room for one more`);
  }

  // A global database (stage 5) cannot pause: its clusters need at least 0.5 ACU. Elsewhere 0
  // (auto-pause) is accepted when set explicitly: the first request after idle waits ~15 s.
  const global = Boolean(stage.recipe.secondRegion);
  const dbMinCapacity = acu('dbMinCapacity', required('dbMinCapacity'), global ? 0.5 : 0);
  const dbMaxCapacity = acu('dbMaxCapacity', required('dbMaxCapacity'), Math.max(1, dbMinCapacity));

  const natGateways = integer('natGateways', required('natGateways'), 1, 2);
  const hardening = oneOf('hardening', required('hardening'), HARDENING_LEVELS);
  // Strict keeps logs a year (CT.CLOUDWATCH.PR.2) unless told otherwise, and refuses less.
  const strict = hardening === 'strict';
  const logRetentionDays = Number(text('logRetentionDays', String(strict ? STRICT_HARDENING.minLogRetentionDays : DEFAULTS.logRetentionDays)));
  const minRetention = strict ? STRICT_HARDENING.minLogRetentionDays : 0;
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays) || logRetentionDays < minRetention) {
    const accepted = LOG_RETENTION_DAYS.filter((d) => d >= minRetention).join(', ');
    throw new ConfigError('logRetentionDays', get('logRetentionDays'), strict ? `with hardening=strict, one of ${accepted} (AWS Control Tower keeps logs at least a year)` : `one of ${accepted}`);
  }

  return {
    stage, appName, region, secondaryRegion, vpcCidr, secondaryVpcCidr, instanceType, certificateArn, originDomainName, domainName,
    hostedZoneId, hostedZoneName, secondaryCertificateArn, tfStateBucket,
    edgeCertificateArn, openOrigin, keepBox, imageId, secondaryImageId, alarmEmail,
    minCapacity, maxCapacity, dbMinCapacity, dbMaxCapacity, natGateways, logRetentionDays, hardening,
  };
}

/** An ACM certificate ARN in `region`, or undefined. */
function certificate(key: string, value: string | undefined, region: string, where: string): string | undefined {
  if (value === undefined) return undefined;
  matching(key, value,
    /^arn:aws(-[a-z]+)*:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'an ACM certificate ARN, arn:aws:acm:<region>:<12-digit account>:certificate/<uuid>');
  if (value.split(':')[3] !== region) throw new ConfigError(key, value, `a certificate in ${where} "${region}"`);
  return value;
}

/** A fully qualified DNS host name in lowercase, or undefined. */
function hostName(key: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return matching(key, value, /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'a lowercase DNS host name like www.example.com');
}

function matching(key: string, value: string, pattern: RegExp, accepted: string): string {
  if (!pattern.test(value)) throw new ConfigError(key, value, accepted);
  return value;
}

function oneOf<T extends string>(key: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new ConfigError(key, value, choices.join(', '));
  return value as T;
}

function integer(key: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new ConfigError(key, value, `an integer from ${min} to ${max}`);
  }
  return n;
}

/** Aurora Serverless v2 capacity: 0 to 256 ACUs in steps of 0.5. */
function acu(key: string, value: string, min: number): number {
  const n = Number(value);
  if (!/^\d+(\.[05])?$/.test(value) || n < min || n > 256) {
    throw new ConfigError(key, value, `ACUs from ${min} to 256 in steps of 0.5`);
  }
  return n;
}

/** An AMI ID (`ami-` and 8 or 17 hex digits), or undefined. */
function ami(key: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return matching(key, value, /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, 'an AMI ID: ami- and 8 or 17 lowercase hex digits, like ami-0123456789abcdef0');
}

/** First address (host bits cleared) and size of a well-formed IPv4 CIDR. */
function cidrRange(cidr: string): [number, number] {
  const [address, prefix] = cidr.split('/');
  const size = 2 ** (32 - Number(prefix));
  const n = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return [n - (n % size), size];
}

/** Whether two well-formed IPv4 CIDRs share an address (the config check and the rehearsal's). */
export function cidrsOverlap(a: string, b: string): boolean {
  const [startA, sizeA] = cidrRange(a);
  const [startB, sizeB] = cidrRange(b);
  return startA < startB + sizeB && startB < startA + sizeA;
}

/** A /16 next to `vpcCidr`'s, for the refusal's example. */
function suggestSecondaryCidr(vpcCidr: string): string {
  const [first, second] = vpcCidr.split('.').map(Number);
  return `${first}.${(second + 1) % 256}.0.0/16`;
}

/** An IPv4 CIDR from /16 to /20: room for the fixed subnet plan of every tier in 2 AZs. */
function parseCidr(key: string, value: string): string {
  const accepted = 'an IPv4 network from /16 to /20 with no host bits set, like 10.0.0.0/16';
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) throw new ConfigError(key, value, accepted);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 20) throw new ConfigError(key, value, accepted);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (address % 2 ** (32 - prefix) !== 0) throw new ConfigError(key, value, accepted);
  return value;
}
