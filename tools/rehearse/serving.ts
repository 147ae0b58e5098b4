/**
 * Is the site served at this moment? A path from users to a running app and from the app to its
 * database, every security group on it admitting the traffic:
 * - Elastic IP -> its newest association -> instance whose group admits 80 or 443 from the internet;
 * - internet-facing load balancer -> listener on a port its group admits -> target group ->
 *   Auto Scaling group (or registered instance) whose group admits the load balancer's group;
 * - CloudFront distribution -> its default behaviour's origin (or any member of its origin group)
 *   -> a load balancer path that admits CloudFront (its prefix list, or the internet);
 * - the app -> every database cluster it is configured with (in its region), with an available
 *   instance and a group admitting the app's group on the cluster's port. An app configured with
 *   no cluster runs its database itself (stage 1).
 */
import { findKey } from '../../core/template-query';
import { admitting, groupsOf, Source } from './security-groups';
import { LiveState, Physical } from './state';

export type EntryKind = 'cloudfront' | 'load-balancer' | 'elastic-ip';

/** Where users come in, most preferred first: the runbooks move DNS up this list. */
export const ENTRY_PRIORITY: readonly EntryKind[] = ['cloudfront', 'load-balancer', 'elastic-ip'];

export interface EntryPoint {
  readonly key: string;
  readonly kind: EntryKind;
  readonly type: string;
}

export interface PathCheck {
  readonly serving: boolean;
  /** The resources of the path, users first, when it serves; otherwise why not. */
  readonly path: string[];
  readonly reason?: string;
}

/** The entry points that exist: distributions, internet-facing load balancers, associated Elastic IPs. */
export function entryPoints(state: LiveState): EntryPoint[] {
  const entries: EntryPoint[] = [];
  for (const d of state.all('AWS::CloudFront::Distribution')) entries.push({ key: d.key, kind: 'cloudfront', type: d.type });
  for (const lb of state.all('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    if ((lb.props.Scheme ?? 'internet-facing') === 'internet-facing' && (lb.props.Type ?? 'application') === 'application') {
      entries.push({ key: lb.key, kind: 'load-balancer', type: lb.type });
    }
  }
  for (const eip of state.all('AWS::EC2::EIP')) {
    if (associations(state, eip).length) entries.push({ key: eip.key, kind: 'elastic-ip', type: eip.type });
  }
  return entries.sort((a, b) => ENTRY_PRIORITY.indexOf(a.kind) - ENTRY_PRIORITY.indexOf(b.kind));
}

/** Whether users coming in through `entry` reach a running app that reaches its database. */
export function serves(state: LiveState, entry: EntryPoint): PathCheck {
  const resource = state.get(entry.key);
  if (!resource) return { serving: false, path: [], reason: `${entry.key} no longer exists` };
  switch (entry.kind) {
    case 'elastic-ip': return elasticIpServes(state, resource);
    case 'load-balancer': return loadBalancerServes(state, resource, { internet: true });
    case 'cloudfront': return distributionServes(state, resource);
  }
}

/** Associations of an Elastic IP, newest first: AWS moves the address to the newest one. */
export function associations(state: LiveState, eip: Physical): Physical[] {
  const found = state.all('AWS::EC2::EIPAssociation').filter((a) => state.resolveResource(a, a.props.AllocationId ?? a.props.EIP)?.key === eip.key);
  if (eip.props.InstanceId !== undefined) found.push(eip);
  return found.sort((a, b) => b.born - a.born);
}

function elasticIpServes(state: LiveState, eip: Physical): PathCheck {
  const association = associations(state, eip)[0];
  if (!association) return { serving: false, path: [eip.key], reason: `${eip.key} is associated with nothing` };
  const instance = state.resolveResource(association, association.props.InstanceId);
  if (!instance) return { serving: false, path: [eip.key], reason: `the instance of ${association.key} does not exist` };
  if (instance.down) return { serving: false, path: [eip.key, instance.key], reason: `${instance.key} is stopped for an update` };
  const holder = volumeHolder(state, instance);
  if (holder) return { serving: false, path: [eip.key, instance.key], reason: `${instance.key} waits for its data volume, which ${holder.key} still holds (one attachment per volume)` };
  const groups = instanceGroups(state, instance);
  const rule = admitting(state, groups, 80, { internet: true }) ?? admitting(state, groups, 443, { internet: true });
  if (!rule) return { serving: false, path: [eip.key, instance.key], reason: `no security group of ${instance.key} admits port 80 or 443 from the internet` };
  return withDatabase(state, instance, groups, [eip.key, association.key, instance.key, rule.holder.key]);
}

function loadBalancerServes(state: LiveState, lb: Physical, source: Source): PathCheck {
  const lbGroups = groupsOf(state, lb, lb.props.SecurityGroups);
  const listeners = state.all('AWS::ElasticLoadBalancingV2::Listener').filter((l) => state.resolveResource(l, l.props.LoadBalancerArn)?.key === lb.key);
  if (!listeners.length) return { serving: false, path: [lb.key], reason: `${lb.key} has no listener` };
  let reason = '';
  for (const listener of listeners) {
    const port = Number(listener.props.Port);
    const rule = admitting(state, lbGroups, port, source);
    if (!rule) {
      reason ||= `no security group of ${lb.key} admits port ${port} from ${'internet' in source ? 'the internet' : 'CloudFront'}`;
      continue;
    }
    for (const group of forwardTargets(state, listener, listeners, source)) {
      const check = targetGroupServes(state, group, lbGroups);
      if (check.serving) return { ...check, path: [lb.key, rule.holder.key, listener.key, ...check.path] };
      reason ||= check.reason ?? '';
    }
    reason ||= `${listener.key} forwards no request from ${'internet' in source ? 'the internet' : 'CloudFront'} to a target group`;
  }
  return { serving: false, path: [lb.key], reason };
}

/** Target groups a listener forwards requests from `source` to (a redirect followed one hop). */
function forwardTargets(state: LiveState, listener: Physical, siblings: Physical[], source: Source, hops = 0): Physical[] {
  const groups: Physical[] = [];
  const fromActions = (holder: Physical, actions: any[] = []) => {
    for (const action of actions) {
      if (action.Type === 'forward') {
        const arns = action.TargetGroupArn ? [action.TargetGroupArn] : (action.ForwardConfig?.TargetGroups ?? []).map((t: any) => t.TargetGroupArn);
        for (const arn of arns) {
          const group = state.resolveResource(holder, arn);
          if (group) groups.push(group);
        }
      }
      if (action.Type === 'redirect' && hops === 0) {
        const port = action.RedirectConfig?.Port;
        const next = siblings.find((l) => port === undefined || port === '#{port}' ? l.key === listener.key : String(l.props.Port) === String(port));
        if (next && next.key !== listener.key) groups.push(...forwardTargets(state, next, siblings, source, hops + 1));
      }
    }
  };
  fromActions(listener, listener.props.DefaultActions);
  for (const rule of state.all('AWS::ElasticLoadBalancingV2::ListenerRule')) {
    if (state.resolveResource(rule, rule.props.ListenerArn)?.key !== listener.key) continue;
    // A rule on a secret header matches only what CloudFront adds to its requests.
    const headerOnly = (rule.props.Conditions ?? []).some((c: any) => c.Field === 'http-header');
    if (!headerOnly || 'cloudFront' in source) fromActions(rule, rule.props.Actions);
  }
  return groups;
}

function targetGroupServes(state: LiveState, group: Physical, lbGroups: Physical[]): PathCheck {
  const port = Number(group.props.Port ?? 80);
  let reason = `nothing running is registered in ${group.key}`;
  const asgs = state.all('AWS::AutoScaling::AutoScalingGroup').filter((g) => ([g.props.TargetGroupARNs ?? []].flat() as unknown[]).some((arn) => state.resolveResource(g, arn)?.key === group.key));
  const instances = ([group.props.Targets ?? []].flat() as any[]).map((t) => state.resolveResource(group, t.Id)).filter((i): i is Physical => i?.type === 'AWS::EC2::Instance');
  for (const app of [...asgs, ...instances]) {
    if (app.down) { reason = `${app.key} is interrupted by an update`; continue; }
    const groups = instanceGroups(state, app);
    const rule = admitting(state, groups, port, { groups: lbGroups });
    if (!rule) { reason = `no security group of ${app.key} admits the load balancer on port ${port}`; continue; }
    const check = withDatabase(state, app, groups, [group.key, app.key, rule.holder.key]);
    if (check.serving) return check;
    reason = check.reason ?? reason;
  }
  return { serving: false, path: [group.key], reason };
}

function distributionServes(state: LiveState, distribution: Physical): PathCheck {
  const config = distribution.props.DistributionConfig ?? {};
  if (config.Enabled === false) return { serving: false, path: [distribution.key], reason: `${distribution.key} is disabled` };
  const target = config.DefaultCacheBehavior?.TargetOriginId;
  const group = (config.OriginGroups?.Items ?? []).find((g: any) => g.Id === target);
  const ids: string[] = group ? group.Members.Items.map((m: any) => m.OriginId) : [target];
  let reason = `no origin of ${distribution.key} serves`;
  for (const id of ids) {
    const origin = (config.Origins ?? []).find((o: any) => o.Id === id);
    if (!origin) continue;
    const resolved = state.resolve(distribution, origin.DomainName);
    // A DNS name of the user's own (origin.<zone>) points at the load balancers.
    const lbs = typeof resolved === 'object'
      ? [resolved].filter((r) => r.type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')
      : state.all('AWS::ElasticLoadBalancingV2::LoadBalancer');
    for (const lb of lbs) {
      const check = loadBalancerServes(state, lb, { cloudFront: true });
      if (check.serving) return { ...check, path: [distribution.key, ...check.path] };
      reason = check.reason ?? reason;
    }
  }
  return { serving: false, path: [distribution.key], reason };
}

/**
 * An older live instance that names the same EBS volume: an instance that attaches its volume
 * itself (at boot) cannot have it while another holds it, and serves only once that one is gone.
 */
function volumeHolder(state: LiveState, instance: Physical): Physical | undefined {
  const volumes = (i: Physical) => new Set(referenced(state, i).filter((r) => r.type === 'AWS::EC2::Volume').map((r) => r.key));
  const mine = volumes(instance);
  if (!mine.size) return undefined;
  return state.all('AWS::EC2::Instance').find((other) => other.key !== instance.key && !other.retained && other.born < instance.born && [...volumes(other)].some((v) => mine.has(v)));
}

/** Every resource a resource's properties reference. */
function referenced(state: LiveState, holder: Physical): Physical[] {
  const found: Physical[] = [];
  for (const key of ['Ref', 'Fn::GetAtt', 'Fn::GetStackOutput', 'Fn::ImportValue']) {
    for (const value of findKey(holder.props, key)) {
      const r = state.resolveResource(holder, { [key]: value });
      if (r) found.push(r);
    }
  }
  return found;
}

/** The groups of an instance, or of the instances an Auto Scaling group launches. */
function instanceGroups(state: LiveState, app: Physical): Physical[] {
  const template = launchTemplate(state, app);
  const data = template?.props.LaunchTemplateData ?? {};
  return [
    ...groupsOf(state, app, app.props.SecurityGroupIds),
    ...groupsOf(state, app, (app.props.NetworkInterfaces ?? []).flatMap((n: any) => n.GroupSet ?? [])),
    ...(template ? groupsOf(state, template, data.SecurityGroupIds) : []),
    ...(template ? groupsOf(state, template, (data.NetworkInterfaces ?? []).flatMap((n: any) => n.Groups ?? [])) : []),
  ];
}

function launchTemplate(state: LiveState, app: Physical): Physical | undefined {
  const spec = app.props.LaunchTemplate;
  if (!spec) return undefined;
  const byId = spec.LaunchTemplateId && state.resolveResource(app, spec.LaunchTemplateId);
  if (byId) return byId;
  const version = spec.Version && state.resolveResource(app, spec.Version);
  return version?.type === 'AWS::EC2::LaunchTemplate' ? version : undefined;
}

/** The path, when the app reaches every database cluster of its region it is configured with. */
function withDatabase(state: LiveState, app: Physical, appGroups: Physical[], path: string[]): PathCheck {
  for (const cluster of configuredClusters(state, app)) {
    if (cluster.down) return { serving: false, path, reason: `${cluster.key} is interrupted by an update` };
    const instances = state.all('AWS::RDS::DBInstance').filter((i) => !i.down && state.resolveResource(i, i.props.DBClusterIdentifier)?.key === cluster.key);
    if (!instances.length) return { serving: false, path, reason: `${cluster.key} has no available instance` };
    const port = Number(cluster.props.Port ?? 5432);
    const rule = admitting(state, groupsOf(state, cluster, cluster.props.VpcSecurityGroupIds), port, { groups: appGroups });
    if (!rule) return { serving: false, path, reason: `no security group of ${cluster.key} admits ${app.key} on port ${port}` };
    path = [...path, rule.holder.key, cluster.key];
  }
  return { serving: true, path };
}

/** Database clusters of the app's region that its properties (or its launch template's) name. */
function configuredClusters(state: LiveState, app: Physical): Physical[] {
  const template = launchTemplate(state, app);
  const found = new Map<string, Physical>();
  const collect = (holder: Physical) => {
    for (const r of referenced(state, holder)) {
      {
        // The app names its database through the cluster, an instance or the secret attached to it.
        const cluster = r?.type === 'AWS::RDS::DBInstance' ? state.resolveResource(r, r.props.DBClusterIdentifier)
          : r?.type === 'AWS::SecretsManager::SecretTargetAttachment' ? state.resolveResource(r, r.props.TargetId) : r;
        if (cluster?.type === 'AWS::RDS::DBCluster' && state.region(cluster.stack) === state.region(app.stack)) found.set(cluster.key, cluster);
      }
    }
  };
  collect(app);
  if (template) collect(template);
  return [...found.values()];
}
