/**
 * How long CloudFormation typically takes to create, update or delete a resource, each figure
 * with the AWS page it comes from. The rehearsal schedules the deploy with these and sums them
 * into outage windows: an estimate to plan a maintenance window by, not a promise.
 */

export type Action = 'create' | 'update' | 'replace' | 'delete';

export interface Timing {
  /** Lower and upper estimate, in seconds. */
  readonly seconds: readonly [number, number];
  readonly what: string;
  readonly source: string;
}

const CREATION_POLICY = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-creationpolicy.html';
const ROLLING_UPDATE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html';

/** Creation (and replacement) times by resource type. */
export const CREATION_TIMES: Readonly<Record<string, Timing>> = {
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { seconds: [180, 300], what: 'an Application Load Balancer goes from provisioning to active', source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-application-load-balancer.html' },
  'AWS::RDS::DBInstance': { seconds: [600, 900], what: 'an Aurora DB instance is created and becomes available', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-replicas-adding.html' },
  'AWS::RDS::DBCluster': { seconds: [300, 600], what: 'an Aurora DB cluster (storage volume, no instance) is created', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.CreateInstance.html' },
  'AWS::RDS::GlobalCluster': { seconds: [60, 300], what: 'a global database is created from an existing cluster', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-getting-started.html' },
  'AWS::CloudFront::Distribution': { seconds: [300, 900], what: 'a CloudFront distribution is deployed to the edge locations', source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowToUpdateDistribution.html' },
  'AWS::EC2::NatGateway': { seconds: [120, 300], what: 'a NAT gateway goes from pending to available', source: 'https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html' },
  'AWS::ElastiCache::ReplicationGroup': { seconds: [600, 900], what: 'a Valkey replication group with a replica is created', source: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.Create.html' },
  'AWS::EC2::Instance': { seconds: [60, 180], what: 'an instance launches and passes its status checks', source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html' },
  'AWS::AutoScaling::AutoScalingGroup': { seconds: [180, 600], what: 'an Auto Scaling group launches its minimum and the instances pass their checks', source: 'https://docs.aws.amazon.com/autoscaling/ec2/userguide/create-asg-launch-template.html' },
  'AWS::WAFv2::WebACL': { seconds: [30, 120], what: 'a WAF web ACL is created', source: 'https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-creating.html' },
  'AWS::Lambda::Function': { seconds: [10, 60], what: 'a Lambda function is created and becomes active', source: 'https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html' },
  'AWS::EC2::VPCEndpoint': { seconds: [60, 180], what: 'a VPC endpoint becomes available', source: 'https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html' },
};

/** Updates that take long enough to matter, by resource type. */
export const UPDATE_TIMES: Readonly<Record<string, Timing>> = {
  'AWS::CloudFront::Distribution': { seconds: [300, 900], what: 'a distribution change propagates to the edge locations (the old configuration keeps serving)', source: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/HowToUpdateDistribution.html' },
  'AWS::EC2::Instance': { seconds: [60, 180], what: 'an instance stops and starts for an update that interrupts it', source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Stop_Start.html' },
  'AWS::RDS::DBCluster': { seconds: [60, 600], what: 'an Aurora cluster modification is applied', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Modifying.html' },
  'AWS::RDS::DBInstance': { seconds: [60, 600], what: 'an Aurora instance modification is applied', source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Modifying.html' },
  'AWS::ElastiCache::ReplicationGroup': { seconds: [60, 900], what: 'a replication group modification is applied', source: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.Modify.html' },
};

/** Deletions that take long enough to matter. */
export const DELETION_TIMES: Readonly<Record<string, Timing>> = {
  'AWS::EC2::Instance': { seconds: [30, 120], what: 'an instance shuts down and terminates', source: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/terminating-instances.html' },
  'AWS::EC2::NatGateway': { seconds: [60, 120], what: 'a NAT gateway is deleted', source: 'https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html' },
};

/** Anything not in the tables: an API call or two. */
export const DEFAULT_TIMING: Timing = { seconds: [5, 30], what: 'an API call CloudFormation makes and confirms', source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html' };

/** Custom resources run a Lambda function. */
const CUSTOM_RESOURCE: Timing = { seconds: [10, 90], what: 'a custom resource invokes its Lambda function', source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources.html' };

/** DNS moves are the user's: the old record's TTL after the change (the runbooks lower it to 60 s). */
export const DNS_MOVE: Timing = { seconds: [60, 300], what: 'a DNS change is made and the old record\'s TTL passes (TTL lowered to 60 s ahead)', source: 'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-basic.html#rrsets-values-basic-ttl' };

/** The timing of one operation on a resource, read from its template where it says more (signals, rolling updates). */
export function timingOf(action: Action, type: string, resource: any): Timing {
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return CUSTOM_RESOURCE;
  const signal = signalTimeout(resource);
  if (action === 'delete') return DELETION_TIMES[type] ?? DEFAULT_TIMING;
  if (action === 'update') {
    const rolling = resource?.UpdatePolicy?.AutoScalingRollingUpdate;
    if (type === 'AWS::AutoScaling::AutoScalingGroup' && rolling) {
      const batches = Math.max(1, Math.ceil(Number(resource.Properties?.MinSize ?? 1) / Number(rolling.MaxBatchSize ?? 1)));
      const pause = isoSeconds(rolling.PauseTime) ?? signal ?? 300;
      return { seconds: [batches * 180, batches * pause], what: `a rolling update replaces ${batches} batch(es) of instances, each waiting for its signals`, source: ROLLING_UPDATE };
    }
    return UPDATE_TIMES[type] ?? DEFAULT_TIMING;
  }
  const base = CREATION_TIMES[type] ?? DEFAULT_TIMING;
  if (signal !== undefined) {
    return { seconds: [base.seconds[0], Math.max(base.seconds[0], signal)], what: `${base.what}; CloudFormation waits for its signals up to the CreationPolicy timeout`, source: CREATION_POLICY };
  }
  return base;
}

function signalTimeout(resource: any): number | undefined {
  return isoSeconds(resource?.CreationPolicy?.ResourceSignal?.Timeout);
}

/** `PT15M` as seconds. */
export function isoSeconds(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
