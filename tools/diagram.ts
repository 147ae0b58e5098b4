/**
 * An architecture diagram generated from a stage's synthesized templates, not drawn by hand:
 * who reaches what, grouped by region, VPC and subnet tier. Mermaid (`flowchart`) or Graphviz dot.
 */
import { assertMappedTemplates } from '../core/resource-types';
import { findKey } from '../core/template-query';
import { parseConfig } from '../core/config';
import { StageNumber } from '../core/stages';
import { projectContext } from '../core/project-context';
import { StageTemplates, synthesizeStage, SynthOptions } from './synth-cache';

/** Where a node sits: outside the VPC, or in a subnet tier. */
type Place = 'internet' | 'region' | 'Public' | 'App' | 'Data';

interface Node {
  readonly id: string;
  readonly label: string;
  readonly place: Place;
  readonly shape: 'box' | 'database' | 'stadium';
  /** The region of a node inside one; none for users, CDN and DNS. */
  readonly region?: string;
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

export interface Diagram {
  /** The regions, primary first. */
  readonly regions: string[];
  readonly nodes: Node[];
  readonly edges: Edge[];
}

const PLACE_LABELS: Record<Exclude<Place, 'internet' | 'region'>, string> = {
  Public: 'Public subnets',
  App: 'App subnets (private)',
  Data: 'Data subnets (isolated)',
};

/** The README block of each stage's diagram sits between these markers. */
export const README_MARKER = (stage: number) => [`<!-- diagram: stage ${stage} -->`, `<!-- /diagram: stage ${stage} -->`] as const;

/** `readme` with the block of each stage in `diagrams` replaced by its current Mermaid. */
export function updateReadmeDiagrams(readme: string, diagrams: Record<number, string>): string {
  let text = readme;
  for (const [stage, mermaid] of Object.entries(diagrams)) {
    const [open, close] = README_MARKER(Number(stage));
    const start = text.indexOf(open);
    const end = text.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README has no block ${open} ... ${close}`);
    text = `${text.slice(0, start + open.length)}\n\`\`\`mermaid\n${mermaid}\`\`\`\n${text.slice(end)}`;
  }
  return text;
}

/**
 * Reads the components and their wiring out of the templates: the primary region's stacks, stage
 * 5's second region (stacks named `-<secondaryRegion>`, node IDs prefixed `r2_`), and CloudFront,
 * WAF and Route 53, drawn outside the regions.
 */
export function buildDiagram(templates: StageTemplates, region: string, secondaryRegion?: string): Diagram {
  // A type without a node or a reason not to draw it would be left out of the picture unseen.
  assertMappedTemplates('diagram', templates);
  const names = Object.keys(templates);
  const isSecondary = (name: string) => secondaryRegion !== undefined && name.endsWith(`-${secondaryRegion}`);
  const entries = (pick: (name: string) => boolean) => names.filter(pick).flatMap((n) => Object.entries<any>(templates[n].Resources ?? {}));
  // CloudFront, WAF and Route 53 are global wherever their stack is (the edge stack, us-east-1).
  const global = entries(() => true);
  const nodes: Node[] = [{ id: 'users', label: 'Users', place: 'internet', shape: 'stadium' }];
  const edges: Edge[] = [];
  const cdn = global.some(([, r]) => r.Type === 'AWS::CloudFront::Distribution');
  const dns = global.some(([, r]) => r.Type === 'AWS::Route53::RecordSet' && r.Properties.Failover);
  if (cdn) {
    const waf = global.some(([, r]) => r.Type === 'AWS::WAFv2::WebACL');
    nodes.push({ id: 'cdn', label: waf ? 'CloudFront + WAF web ACL' : 'CloudFront', place: 'internet', shape: 'box' });
    edges.push({ from: 'users', to: 'cdn', label: 'HTTPS' });
  }
  if (dns) {
    nodes.push({ id: 'dns', label: 'Route 53: origin failover record, a health check per region', place: 'internet', shape: 'box' });
    edges.push({ from: 'cdn', to: 'dns', label: 'writes' });
  }
  const secondary = names.some(isSecondary);
  const parts = [regionalPart(entries((n) => !isSecondary(n)), region, '', { cdn, dns, assets: cdn, failover: secondary })];
  if (secondary) parts.push(regionalPart(entries(isSecondary), secondaryRegion!, 'r2_', { cdn, dns, assets: false, failover: true }));
  for (const part of parts) {
    nodes.push(...part.nodes);
    edges.push(...part.edges);
  }
  if (secondary && nodes.some((n) => n.id === 'r2_db0')) {
    edges.push({ from: 'db0', to: 'r2_db0', label: 'global database replication' });
    // The second region's app uses its own cluster, which forwards writes to the primary's writer.
    edges.push({ from: 'r2_db0', to: 'db0', label: 'writes forwarded' });
  }
  return { regions: secondary ? [region, secondaryRegion!] : [region], nodes, edges };
}

interface RegionalOptions {
  /** CloudFront sends dynamic paths to the load balancer. */
  readonly cdn: boolean;
  /** Route 53 sends writes to the load balancer. */
  readonly dns: boolean;
  /** The static assets' bucket is here. */
  readonly assets: boolean;
  /** Two regions: CloudFront reads fail over between them. */
  readonly failover: boolean;
}

/** One region's nodes and edges, IDs prefixed with `p`. */
function regionalPart(resources: Array<[string, any]>, region: string, p: string, options: RegionalOptions) {
  const byId = new Map(resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const add = (id: string, label: string, place: Place, shape: Node['shape'] = 'box') => nodes.push({ id: p + id, label, place, shape, region });
  const edge = (from: string, to: string, label?: string) => {
    const id = (x: string) => (['users', 'cdn', 'dns'].includes(x) ? x : p + x);
    edges.push(label ? { from: id(from), to: id(to), label } : { from: id(from), to: id(to) });
  };

  const instances = ofType('AWS::EC2::Instance');
  const groups = ofType('AWS::AutoScaling::AutoScalingGroup');
  const loadBalancers = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
  const clusters = ofType('AWS::RDS::DBCluster');
  const volumes = ofType('AWS::EC2::Volume');
  const natGateways = ofType('AWS::EC2::NatGateway');
  const compute: string[] = [];
  const web: string[] = [];

  if (options.assets) {
    add('assets', 'S3: static assets', 'region');
    edge('cdn', 'assets', '/static/*');
  }
  for (const [id, lb] of loadBalancers) {
    add('alb', `Application Load Balancer (${listenerSummary(resources, id)})`, tierOf(lb.Properties.Subnets));
    if (!options.cdn) edge('users', 'alb', 'HTTP(S)');
    else if (!options.failover) edge('cdn', 'alb', 'dynamic paths');
    else edge('cdn', 'alb', p ? 'reads, on failover' : 'reads, first');
    if (options.dns) edge('dns', 'alb', p ? 'writes, when the primary is unhealthy' : 'writes');
  }
  for (const [, group] of groups) {
    const props = group.Properties;
    const userData = JSON.stringify(byId.get(props.LaunchTemplate?.LaunchTemplateId?.Ref)?.Properties ?? {});
    if (/APP_START='[^']* worker'/.test(userData)) {
      add('workers', `Auto Scaling group: workers, ${props.MinSize}-${props.MaxSize}, scaled on queue backlog`, tierOf(props.VPCZoneIdentifier));
      compute.push('workers');
      continue;
    }
    add('asg', `Auto Scaling group: app instances, ${props.MinSize}-${props.MaxSize} over 2 AZs`, tierOf(props.VPCZoneIdentifier));
    edge('alb', 'asg', 'port 80, /health/live');
    compute.push('asg');
    web.push('asg');
  }
  for (const [id, instance] of instances) {
    const local = JSON.stringify(instance.Properties.UserData).includes("DB_MODE='local'");
    add('box', local ? 'EC2 instance: app + PostgreSQL' : 'EC2 instance: app', tierOf(instance.Properties.SubnetId));
    const eip = ofType('AWS::EC2::EIPAssociation').find(([, a]) => a.Properties.InstanceId?.Ref === id);
    if (eip) {
      add('eip', 'Elastic IP', 'Public');
      edge('users', 'eip', 'HTTP(S)');
      edge('eip', 'box');
    }
    if (local && volumes.length) edge('box', 'volume', 'PostgreSQL files');
    if (!local) compute.push('box');
  }
  if (volumes.length) {
    const attached = instances.length > 0;
    add('volume', attached ? 'EBS data volume, daily snapshots' : 'EBS data volume (detached, kept)', 'region', 'database');
    if (attached && !edges.some((e) => e.to === p + 'volume')) edge('box', 'volume', 'copied into Aurora once');
  }
  for (const [clusterId, cluster] of clusters) {
    const globalSecondary = Boolean(cluster.Properties.GlobalClusterIdentifier);
    const members = ofType('AWS::RDS::DBInstance').filter(([, i]) => i.Properties.DBClusterIdentifier?.Ref === clusterId);
    members.forEach(([, member], i) => {
      const az = JSON.stringify(member.Properties.AvailabilityZone ?? '').match(/"Fn::Select":\[(\d)/);
      const where = az ? `, AZ ${Number(az[1]) + 1}` : '';
      if (globalSecondary) {
        // Every instance of a secondary cluster reads the replicated storage; writes are forwarded.
        add(`db${i}`, `Aurora PostgreSQL global secondary${where}`, 'Data', 'database');
        for (const c of compute) edge(c, `db${i}`, 'TLS, reads and writes (forwarded)');
        return;
      }
      const role = i === 0 ? 'writer' : 'reader';
      add(`db${i}`, `Aurora PostgreSQL ${role}${where}`, 'Data', 'database');
      for (const c of compute) edge(c, `db${i}`, role === 'writer' ? 'TLS, writes' : 'TLS, reads');
      if (i > 0) edge('db0', `db${i}`, 'replication');
    });
  }
  for (const [, group] of ofType('AWS::ElastiCache::ReplicationGroup')) {
    const replicas = Number(group.Properties.NumCacheClusters) - 1;
    add('cache', `Valkey: primary + ${replicas} replica${replicas === 1 ? '' : 's'}, TLS`, 'Data', 'database');
    for (const c of compute) edge(c, 'cache', c === 'workers' ? 'TLS, cache' : 'TLS, sessions and cache');
  }
  if (ofType('AWS::SQS::Queue').some(([, q]) => q.Properties?.RedrivePolicy)) {
    add('queue', 'SQS job queue + dead-letter queue', 'region');
    for (const w of web) edge(w, 'queue', 'send jobs');
    if (compute.includes('workers')) edge('workers', 'queue', 'receive');
  }
  if (natGateways.length) {
    add('nat', `NAT gateways x${natGateways.length}`, 'Public');
    for (const c of compute) edge(c, 'nat', 'egress');
  }
  if (loadBalancers.length && ofType('AWS::S3::Bucket').length) {
    add('logs', 'S3: access logs', 'region');
    edge('alb', 'logs', 'access logs');
  }
  return { nodes, edges };
}

/** The subnet tier a `SubnetId`, `Subnets` or `VPCZoneIdentifier` value points at. */
function tierOf(value: unknown): Place {
  const names = (findKey(value, 'OutputName') as string[]).concat(findKey(value, 'Ref') as string[]).join(' ');
  const tier = /Vpc(Public|App|Data)Subnet/.exec(names);
  return (tier?.[1] as Place | undefined) ?? 'region';
}

function listenerSummary(resources: Array<[string, any]>, lbId: string): string {
  const protocols = resources
    .filter(([, r]) => r.Type === 'AWS::ElasticLoadBalancingV2::Listener' && r.Properties.LoadBalancerArn?.Ref === lbId)
    .map(([, r]) => `${r.Properties.Protocol} ${r.Properties.Port}`);
  return protocols.sort().join(', ');
}

export function renderMermaid(diagram: Diagram): string {
  const shape = (n: Node) => (n.shape === 'database' ? `[("${n.label}")]` : n.shape === 'stadium' ? `(["${n.label}"])` : `["${n.label}"]`);
  const lines = ['flowchart TB'];
  for (const n of diagram.nodes.filter((n) => n.place === 'internet')) lines.push(`  ${n.id}${shape(n)}`);
  diagram.regions.forEach((region, r) => {
    const p = r === 0 ? '' : `r${r + 1}_`;
    const nodesIn = (place: Place) => diagram.nodes.filter((n) => n.place === place && n.region === region);
    lines.push(`  subgraph ${p}region["${region}"]`);
    for (const n of nodesIn('region')) lines.push(`    ${n.id}${shape(n)}`);
    lines.push(`    subgraph ${p}vpc["VPC, 2 AZs"]`);
    for (const place of ['Public', 'App', 'Data'] as const) {
      const inside = nodesIn(place);
      if (!inside.length) continue;
      lines.push(`      subgraph ${p}${place.toLowerCase()}["${PLACE_LABELS[place]}"]`);
      for (const n of inside) lines.push(`        ${n.id}${shape(n)}`);
      lines.push('      end');
    }
    lines.push('    end', '  end');
  });
  for (const e of diagram.edges) lines.push(`  ${e.from} -->${e.label ? `|"${e.label}"|` : ''} ${e.to}`);
  return lines.join('\n') + '\n';
}

export function renderDot(diagram: Diagram): string {
  const node = (n: Node, indent: string) =>
    `${indent}${n.id} [label="${n.label}", shape=${n.shape === 'database' ? 'cylinder' : n.shape === 'stadium' ? 'oval' : 'box'}];`;
  const lines = ['digraph stage {', '  rankdir=TB;'];
  for (const n of diagram.nodes.filter((n) => n.place === 'internet')) lines.push(node(n, '  '));
  diagram.regions.forEach((region, r) => {
    const p = r === 0 ? '' : `r${r + 1}_`;
    const nodesIn = (place: Place) => diagram.nodes.filter((n) => n.place === place && n.region === region);
    lines.push(`  subgraph cluster_${p}region {`, `    label="${region}";`);
    for (const n of nodesIn('region')) lines.push(node(n, '    '));
    lines.push(`    subgraph cluster_${p}vpc {`, '      label="VPC, 2 AZs";');
    for (const place of ['Public', 'App', 'Data'] as const) {
      const inside = nodesIn(place);
      if (!inside.length) continue;
      lines.push(`      subgraph cluster_${p}${place.toLowerCase()} {`, `        label="${PLACE_LABELS[place]}";`);
      for (const n of inside) lines.push(node(n, '        '));
      lines.push('      }');
    }
    lines.push('    }', '  }');
  });
  for (const e of diagram.edges) lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label="${e.label}"]` : ''};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** The diagram of a built stage, from its (cached) synthesis with the validated configuration. */
export function stageDiagram(stage: StageNumber, format: 'mermaid' | 'dot' = 'mermaid', options: SynthOptions = {}): string {
  const { templates } = synthesizeStage(stage, options);
  const context: Record<string, unknown> = { ...projectContext(), ...options.context, stage };
  const config = parseConfig((key) => context[key]);
  const diagram = buildDiagram(templates, config.region, config.stage.recipe.secondRegion ? config.secondaryRegion : undefined);
  return format === 'dot' ? renderDot(diagram) : renderMermaid(diagram);
}
