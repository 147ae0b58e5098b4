/**
 * Stack names and subnet plan: public contract of every stage. Renaming a stack or a subnet tier
 * replaces what it holds, so these never change between stages. Engine-free.
 */

/**
 * The roles a stack can play. Every stage has network, data and app; from stage 4 the edge stack
 * in us-east-1 holds what CloudFront needs there (web ACL, alarms on its metrics).
 */
export type StackRole = 'network' | 'data' | 'app' | 'edge';

/** CloudFront's web ACLs, viewer certificates and metrics live in this region. */
export const EDGE_REGION = 'us-east-1';

/** `<appName>-<role>`; the stacks of stage 5's second region add the region. */
export function stackName(appName: string, role: StackRole, region?: string): string {
  return region ? `${appName}-${role}-${region}` : `${appName}-${role}`;
}

export interface SubnetTier {
  /** Subnet group name; part of each subnet's logical ID. */
  readonly name: 'Public' | 'App' | 'Data';
  /** Who can reach the internet from the tier. */
  readonly kind: 'public' | 'private' | 'isolated';
  /** Fixed prefix length: changing it later replaces the subnets. */
  readonly cidrMask: number;
}

/**
 * Every tier the ladder needs, reserved at stage 1 in 2 AZs: the public tier for the box and
 * later the load balancer, the app tier for the Auto Scaling group (stage 3), the data tier for
 * Aurora and Valkey. 2 x (256 + 1024 + 256) addresses fit a /20.
 */
export const SUBNET_TIERS: readonly SubnetTier[] = [
  { name: 'Public', kind: 'public', cidrMask: 24 },
  { name: 'App', kind: 'private', cidrMask: 22 },
  { name: 'Data', kind: 'isolated', cidrMask: 24 },
];

/** Number of availability zones at every stage. */
export const AZ_COUNT = 2;

/** The port the app listens on, on the box and behind the load balancer. */
export const APP_PORT = 80;

/** Aurora's port: not the default 5432, so scans for PostgreSQL do not find it (cdk-nag RDS11). */
export const DATABASE_PORT = 5433;

export interface PlannedSubnet {
  readonly tier: SubnetTier;
  /** 0-based AZ index. */
  readonly az: number;
  readonly cidr: string;
}

/**
 * The subnets of `vpcCidr`, tier by tier and AZ by AZ, each the next block of its mask after the
 * previous one (aligned up): the allocation CDK's Vpc makes for SUBNET_TIERS, written out so the
 * Terraform VPC gets the same addresses (a test compares the two).
 */
export function subnetPlan(vpcCidr: string): PlannedSubnet[] {
  const [address, prefix] = vpcCidr.split('/');
  const base = address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const end = base + 2 ** (32 - Number(prefix));
  let next = base;
  const plan: PlannedSubnet[] = [];
  for (const tier of SUBNET_TIERS) {
    const size = 2 ** (32 - tier.cidrMask);
    for (let az = 0; az < AZ_COUNT; az++) {
      const start = Math.ceil(next / size) * size;
      if (start + size > end) throw new Error(`${vpcCidr} has no room for the ${tier.name} subnet in AZ ${az + 1}`);
      const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
      plan.push({ tier, az, cidr: `${octets.join('.')}/${tier.cidrMask}` });
      next = start + size;
    }
  }
  return plan;
}

/*
 * Names both engines give the same resources: the runbooks, Route 53's health checks and the
 * parity test rely on them.
 */

/** The secret holding the origin-verify header's value (stage 4 on). */
export function originVerifySecretName(appName: string): string {
  return `${appName}/origin-verify`;
}

/** The Aurora global database (stage 5). */
export function globalClusterName(appName: string): string {
  return `${appName}-global`;
}

/** An Aurora cluster with a fixed identifier: a stage-5 secondary, or every cluster in Terraform. */
export function clusterName(appName: string, region: string): string {
  return `${appName}-${region}`;
}

/** The alarm that says whether a region serves; Route 53's health check of the region reads it (stage 5). */
export function servingAlarmName(appName: string, region: string): string {
  return `${appName}-${region}-serving`;
}

/**
 * Paths of the reference app's requests that write (`POST /jobs`): CloudFront origin groups carry
 * only GET, HEAD and OPTIONS, so at stage 5 these have their own behavior.
 */
export const WRITE_PATHS: readonly string[] = ['/jobs'];

/** `regions` without `own` and without repeats: where a secret of `own` is replicated. */
export function otherRegions(own: string, regions: readonly string[]): string[] {
  return [...new Set(regions)].filter((region) => region !== own);
}
