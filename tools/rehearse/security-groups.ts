/** The inbound rules of a live security group, inline or standalone, and what they admit. */
import { LiveState, Physical } from './state';

export interface InboundRule {
  /** The resource that holds the rule: the group itself (inline) or an AWS::EC2::SecurityGroupIngress. */
  readonly holder: Physical;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr?: string;
  /** Source security group or prefix list, resolved. */
  readonly sourceGroup?: Physical;
  readonly prefixList?: Physical | string;
}

/** Where traffic comes from. */
export type Source = { readonly internet: true } | { readonly cloudFront: true } | { readonly groups: readonly Physical[] };

export function inboundRules(state: LiveState, group: Physical): InboundRule[] {
  const rules: InboundRule[] = [];
  const read = (holder: Physical, r: any) => {
    const prefixList = r.SourcePrefixListId === undefined ? undefined : state.resolve(holder, r.SourcePrefixListId);
    rules.push({
      holder,
      protocol: String(r.IpProtocol ?? 'tcp'),
      fromPort: Number(r.FromPort ?? -1),
      toPort: Number(r.ToPort ?? -1),
      cidr: r.CidrIp ?? r.CidrIpv6,
      sourceGroup: r.SourceSecurityGroupId === undefined ? undefined : state.resolveResource(holder, r.SourceSecurityGroupId),
      prefixList,
    });
  };
  for (const r of group.props.SecurityGroupIngress ?? []) read(group, r);
  for (const ingress of state.all('AWS::EC2::SecurityGroupIngress')) {
    if (state.resolveResource(ingress, ingress.props.GroupId)?.key === group.key) read(ingress, ingress.props);
  }
  return rules;
}

function coversPort(rule: InboundRule, port: number): boolean {
  return rule.protocol === '-1' || (rule.fromPort <= port && port <= rule.toPort);
}

const isInternet = (rule: InboundRule) => rule.cidr === '0.0.0.0/0' || rule.cidr === '::/0';

/** The rule of one of `groups` that admits `source` on `port`, if any. */
export function admitting(state: LiveState, groups: readonly Physical[], port: number, source: Source): InboundRule | undefined {
  for (const group of groups) {
    for (const rule of inboundRules(state, group)) {
      if (!coversPort(rule, port)) continue;
      if ('internet' in source && isInternet(rule)) return rule;
      if ('cloudFront' in source && (isInternet(rule) || rule.prefixList !== undefined)) return rule;
      if ('groups' in source && (isInternet(rule) || source.groups.some((g) => g.key === rule.sourceGroup?.key))) return rule;
    }
  }
  return undefined;
}

/** The security groups of a resource's `property` (a list of references), resolved. */
export function groupsOf(state: LiveState, holder: Physical, values: unknown): Physical[] {
  return ([values ?? []].flat() as unknown[])
    .map((v) => state.resolveResource(holder, v))
    .filter((g): g is Physical => g?.type === 'AWS::EC2::SecurityGroup');
}
