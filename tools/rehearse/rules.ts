/**
 * What AWS refuses (or does differently than a template suggests) when two live resources must be
 * unique. Each rule is a small pure function of the live state, with the AWS page that states it.
 */
import { cidrsOverlap } from '../../core/config';
import { associations } from './serving';
import { inboundRules, InboundRule } from './security-groups';
import { LiveState, Physical } from './state';

/**
 * `refused`: AWS rejects the operation that creates the second resource, and the stack rolls back;
 * `design`: AWS accepts the deploy but refuses what the design counts on later (joining the regions);
 * `notice`: AWS accepts it and changes something the timeline must show (an address moves).
 */
export type Severity = 'refused' | 'design' | 'notice';

export interface Finding {
  readonly rule: string;
  /** Live resources involved, `stack/logicalId` (a replacement's new resource ends with `'`). */
  readonly resources: string[];
  readonly detail: string;
}

export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly source: string;
  readonly check: (state: LiveState) => Finding[];
}

/** Security group inbound rules, the default quota (a prefix list counts as its maximum entries). */
export const INBOUND_RULES_PER_GROUP = 60;
/** The maximum entries (weight) of CloudFront's origin-facing managed prefix list. */
export const CLOUDFRONT_PREFIX_LIST_WEIGHT = 55;

/** Properties that give a resource a fixed physical name, and how far the name must be unique. */
export const NAME_PROPERTIES: Readonly<Record<string, { property: string; scope: 'global' | 'region' | 'vpc' }>> = {
  'AWS::S3::Bucket': { property: 'BucketName', scope: 'global' },
  'AWS::SecretsManager::Secret': { property: 'Name', scope: 'region' },
  'AWS::CloudWatch::Alarm': { property: 'AlarmName', scope: 'region' },
  'AWS::CloudWatch::Dashboard': { property: 'DashboardName', scope: 'global' },
  'AWS::Logs::LogGroup': { property: 'LogGroupName', scope: 'region' },
  'AWS::RDS::GlobalCluster': { property: 'GlobalClusterIdentifier', scope: 'global' },
  'AWS::RDS::DBCluster': { property: 'DBClusterIdentifier', scope: 'region' },
  'AWS::RDS::DBInstance': { property: 'DBInstanceIdentifier', scope: 'region' },
  'AWS::RDS::DBClusterParameterGroup': { property: 'DBClusterParameterGroupName', scope: 'region' },
  'AWS::RDS::DBSubnetGroup': { property: 'DBSubnetGroupName', scope: 'region' },
  'AWS::ElastiCache::ReplicationGroup': { property: 'ReplicationGroupId', scope: 'region' },
  'AWS::SQS::Queue': { property: 'QueueName', scope: 'region' },
  'AWS::SNS::Topic': { property: 'TopicName', scope: 'region' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { property: 'Name', scope: 'region' },
  'AWS::ElasticLoadBalancingV2::TargetGroup': { property: 'Name', scope: 'region' },
  'AWS::AutoScaling::AutoScalingGroup': { property: 'AutoScalingGroupName', scope: 'region' },
  'AWS::EC2::LaunchTemplate': { property: 'LaunchTemplateName', scope: 'region' },
  'AWS::EC2::SecurityGroup': { property: 'GroupName', scope: 'vpc' },
  'AWS::IAM::Role': { property: 'RoleName', scope: 'global' },
  'AWS::IAM::ManagedPolicy': { property: 'ManagedPolicyName', scope: 'global' },
  'AWS::Lambda::Function': { property: 'FunctionName', scope: 'region' },
  'AWS::KMS::Alias': { property: 'AliasName', scope: 'region' },
  'AWS::SSM::Parameter': { property: 'Name', scope: 'region' },
  'AWS::WAFv2::WebACL': { property: 'Name', scope: 'region' },
  'AWS::CloudFront::OriginAccessControl': { property: 'OriginAccessControlConfig.Name', scope: 'global' },
  'AWS::Route53::HealthCheck': { property: 'HealthCheckName', scope: 'global' },
};

/** Groups `items` by a key; the groups of more than one. */
function duplicates<T>(items: T[], key: (item: T) => string | undefined): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

const keys = (resources: Physical[]) => resources.map((r) => r.key).sort();

export function listenerPorts(state: LiveState): Finding[] {
  const listeners = state.all('AWS::ElasticLoadBalancingV2::Listener');
  return duplicates(listeners, (l) => {
    const lb = state.resolveResource(l, l.props.LoadBalancerArn);
    return lb ? `${lb.key}:${l.props.Port}` : undefined;
  }).map((same) => ({
    rule: 'listener-port',
    resources: keys(same),
    detail: `${same.length} listeners on port ${same[0].props.Port} of ${state.resolveResource(same[0], same[0].props.LoadBalancerArn)!.key}`,
  }));
}

export function fixedNames(state: LiveState): Finding[] {
  const named = state.all().filter((r) => NAME_PROPERTIES[r.type]);
  return duplicates(named, (r) => {
    const { property, scope } = NAME_PROPERTIES[r.type];
    const value = property.split('.').reduce<any>((v, p) => v?.[p], r.props);
    const name = value === undefined ? undefined : state.resolve(r, value);
    if (typeof name !== 'string') return undefined;
    const where = scope === 'global' ? '' : scope === 'region' ? state.region(r.stack) : state.resolveResource(r, r.props.VpcId)?.key ?? '';
    return `${r.type}|${where}|${name}`;
  }).map((same) => ({
    rule: 'fixed-name',
    resources: keys(same),
    detail: `${same.length} resources of type ${same[0].type} named ${JSON.stringify(state.resolve(same[0], NAME_PROPERTIES[same[0].type].property.split('.').reduce<any>((v, p) => v?.[p], same[0].props)))}`,
  }));
}

export function elasticIpAssociations(state: LiveState): Finding[] {
  return state.all('AWS::EC2::EIP').flatMap((eip) => {
    const found = associations(state, eip);
    return found.length > 1
      ? [{ rule: 'eip-association', resources: keys([eip, ...found]), detail: `${found.length} associations of ${eip.key}: the address moves to the newest, ${found[0].key}` }]
      : [];
  });
}

export function volumeAttachments(state: LiveState): Finding[] {
  const attachments: Array<{ holder: Physical; volume: string }> = [];
  for (const a of state.all('AWS::EC2::VolumeAttachment')) {
    const volume = state.resolveResource(a, a.props.VolumeId);
    if (volume) attachments.push({ holder: a, volume: volume.key });
  }
  for (const instance of state.all('AWS::EC2::Instance')) {
    for (const v of instance.props.Volumes ?? []) {
      const volume = state.resolveResource(instance, v.VolumeId);
      if (volume) attachments.push({ holder: instance, volume: volume.key });
    }
  }
  return duplicates(attachments, (a) => a.volume).map((same) => ({
    rule: 'volume-attachment',
    resources: [same[0].volume, ...keys(same.map((a) => a.holder))],
    detail: `${same.length} attachments of ${same[0].volume}`,
  }));
}

function weight(rule: InboundRule): number {
  if (rule.prefixList === undefined) return 1;
  const list = rule.prefixList;
  const text = typeof list === 'string' ? list : `${list.logicalId} ${JSON.stringify(list.props)}`;
  return /cloudfront/i.test(text) ? CLOUDFRONT_PREFIX_LIST_WEIGHT : 1;
}

export function inboundRuleQuota(state: LiveState): Finding[] {
  return state.all('AWS::EC2::SecurityGroup').flatMap((group) => {
    const rules = inboundRules(state, group);
    const total = rules.reduce((n, r) => n + weight(r), 0);
    return total > INBOUND_RULES_PER_GROUP
      ? [{ rule: 'sg-inbound-quota', resources: keys([...new Map(rules.map((r) => [r.holder.key, r.holder])).values()]), detail: `${group.key} holds ${total} inbound rules (prefix lists counted at their maximum entries); the quota is ${INBOUND_RULES_PER_GROUP}` }]
      : [];
  });
}

export function duplicateRules(state: LiveState): Finding[] {
  return state.all('AWS::EC2::SecurityGroup').flatMap((group) => {
    const rules = inboundRules(state, group);
    const source = (r: InboundRule) => r.cidr ?? r.sourceGroup?.key ?? (typeof r.prefixList === 'object' ? r.prefixList.key : r.prefixList);
    return duplicates(rules, (r) => `${r.protocol}|${r.fromPort}|${r.toPort}|${source(r)}`)
      .filter((same) => new Set(same.map((r) => r.holder.key)).size > 1)
      .map((same) => ({ rule: 'sg-duplicate-rule', resources: keys(same.map((r) => r.holder)), detail: `the same inbound rule (${same[0].protocol} ${same[0].fromPort}-${same[0].toPort} from ${source(same[0])}) twice on ${group.key}` }));
  });
}

export function vpcCidrOverlap(state: LiveState): Finding[] {
  const vpcs = state.all('AWS::EC2::VPC').filter((v) => typeof v.props.CidrBlock === 'string');
  const findings: Finding[] = [];
  for (let i = 0; i < vpcs.length; i++) {
    for (let j = i + 1; j < vpcs.length; j++) {
      if (cidrsOverlap(vpcs[i].props.CidrBlock, vpcs[j].props.CidrBlock)) {
        findings.push({ rule: 'vpc-cidr-overlap', resources: keys([vpcs[i], vpcs[j]]), detail: `${vpcs[i].props.CidrBlock} and ${vpcs[j].props.CidrBlock} overlap` });
      }
    }
  }
  return findings;
}

export const RULES: readonly Rule[] = [
  { id: 'listener-port', title: 'one listener per port of a load balancer', severity: 'refused', check: listenerPorts,
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html (DuplicateListener)' },
  { id: 'fixed-name', title: 'a fixed physical name belongs to one resource (a custom-named resource cannot be replaced)', severity: 'refused', check: fixedNames,
    source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html' },
  { id: 'volume-attachment', title: 'one attachment per EBS volume', severity: 'refused', check: volumeAttachments,
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachVolume.html (VolumeInUse)' },
  { id: 'sg-inbound-quota', title: `at most ${INBOUND_RULES_PER_GROUP} inbound rules per security group; CloudFront's origin-facing prefix list counts ${CLOUDFRONT_PREFIX_LIST_WEIGHT}`, severity: 'refused', check: inboundRuleQuota,
    source: 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups; https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html' },
  { id: 'sg-duplicate-rule', title: 'a security group holds a rule once', severity: 'refused', check: duplicateRules,
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html (InvalidPermission.Duplicate)' },
  { id: 'vpc-cidr-overlap', title: "the regions' VPC ranges do not overlap (peering and transit routes refuse overlapping ranges)", severity: 'design', check: vpcCidrOverlap,
    source: 'https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html' },
  { id: 'eip-association', title: 'one association per Elastic IP: a second one moves the address (reassociation is automatic in a VPC)', severity: 'notice', check: elasticIpAssociations,
    source: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateAddress.html' },
];

/** Refused by CloudFormation from the diff's broken references: an export still imported. */
export const EXPORT_IN_USE = {
  id: 'export-in-use', title: 'an export cannot be removed or changed while another stack imports it', severity: 'refused' as Severity,
  source: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html',
};
