/**
 * An architecture diagram generated from a stage's synthesized templates, not drawn by hand:
 * who reaches what, grouped by region, VPC and subnet tier. Mermaid (`flowchart`) or Graphviz dot.
 */
import { findKey } from '../core/template-query';
import { StageNumber } from '../core/stages';
import { projectContext, StageTemplates, synthesizeStage, SynthOptions } from './synth-cache';

/** Where a node sits: outside the VPC, or in a subnet tier. */
type Place = 'internet' | 'region' | 'Public' | 'App' | 'Data';

interface Node {
  readonly id: string;
  readonly label: string;
  readonly place: Place;
  readonly shape: 'box' | 'database' | 'stadium';
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
}

export interface Diagram {
  readonly region: string;
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

/** Reads the components and their wiring out of the templates. */
export function buildDiagram(templates: StageTemplates, region: string): Diagram {
  const resources = Object.values(templates).flatMap((t) => Object.entries<any>(t.Resources ?? {}));
  const byId = new Map(resources);
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
  const nodes: Node[] = [{ id: 'users', label: 'Users', place: 'internet', shape: 'stadium' }];
  const edges: Edge[] = [];

  const instances = ofType('AWS::EC2::Instance');
  const groups = ofType('AWS::AutoScaling::AutoScalingGroup');
  const loadBalancers = ofType('AWS::ElasticLoadBalancingV2::LoadBalancer');
  const clusters = ofType('AWS::RDS::DBCluster');
  const volumes = ofType('AWS::EC2::Volume');
  const natGateways = ofType('AWS::EC2::NatGateway');
  const distributions = ofType('AWS::CloudFront::Distribution');
  const compute: string[] = [];
  const web: string[] = [];

  if (distributions.length) {
    const waf = ofType('AWS::WAFv2::WebACL').length > 0;
    nodes.push({ id: 'cdn', label: waf ? 'CloudFront + WAF web ACL' : 'CloudFront', place: 'internet', shape: 'box' });
    nodes.push({ id: 'assets', label: 'S3: static assets', place: 'region', shape: 'box' });
    edges.push({ from: 'users', to: 'cdn', label: 'HTTPS' }, { from: 'cdn', to: 'assets', label: '/static/*' });
  }
  for (const [id, lb] of loadBalancers) {
    nodes.push({ id: 'alb', label: `Application Load Balancer (${listenerSummary(resources, id)})`, place: tierOf(lb.Properties.Subnets), shape: 'box' });
    edges.push(distributions.length ? { from: 'cdn', to: 'alb', label: 'dynamic paths' } : { from: 'users', to: 'alb', label: 'HTTP(S)' });
  }
  for (const [, group] of groups) {
    const p = group.Properties;
    const userData = JSON.stringify(byId.get(p.LaunchTemplate?.LaunchTemplateId?.Ref)?.Properties ?? {});
    if (/APP_START='[^']* worker'/.test(userData)) {
      nodes.push({ id: 'workers', label: `Auto Scaling group: workers, ${p.MinSize}-${p.MaxSize}, scaled on queue backlog`, place: tierOf(p.VPCZoneIdentifier), shape: 'box' });
      compute.push('workers');
      continue;
    }
    nodes.push({ id: 'asg', label: `Auto Scaling group: app instances, ${p.MinSize}-${p.MaxSize} over 2 AZs`, place: tierOf(p.VPCZoneIdentifier), shape: 'box' });
    edges.push({ from: 'alb', to: 'asg', label: 'port 80, /health' });
    compute.push('asg');
    web.push('asg');
  }
  for (const [id, instance] of instances) {
    const local = JSON.stringify(instance.Properties.UserData).includes("DB_MODE='local'");
    nodes.push({ id: 'box', label: local ? 'EC2 instance: app + PostgreSQL' : 'EC2 instance: app', place: tierOf(instance.Properties.SubnetId), shape: 'box' });
    const eip = ofType('AWS::EC2::EIPAssociation').find(([, a]) => a.Properties.InstanceId?.Ref === id);
    if (eip) {
      nodes.push({ id: 'eip', label: 'Elastic IP', place: 'Public', shape: 'box' });
      edges.push({ from: 'users', to: 'eip', label: 'HTTP(S)' }, { from: 'eip', to: 'box' });
    }
    if (local && volumes.length) edges.push({ from: 'box', to: 'volume', label: 'PostgreSQL files' });
    if (!local) compute.push('box');
  }
  if (volumes.length) {
    const attached = instances.length > 0;
    nodes.push({ id: 'volume', label: attached ? 'EBS data volume, daily snapshots' : 'EBS data volume (retired, kept)', place: 'region', shape: 'database' });
    if (attached && !edges.some((e) => e.to === 'volume')) edges.push({ from: 'box', to: 'volume', label: 'copied into Aurora once' });
  }
  for (const [clusterId] of clusters) {
    const members = ofType('AWS::RDS::DBInstance').filter(([, i]) => i.Properties.DBClusterIdentifier?.Ref === clusterId);
    members.forEach(([, member], i) => {
      const az = JSON.stringify(member.Properties.AvailabilityZone ?? '').match(/"Fn::Select":\[(\d)/);
      const role = i === 0 ? 'writer' : 'reader';
      nodes.push({ id: `db${i}`, label: `Aurora PostgreSQL ${role}${az ? `, AZ ${Number(az[1]) + 1}` : ''}`, place: 'Data', shape: 'database' });
      for (const c of compute) edges.push({ from: c, to: `db${i}`, label: role === 'writer' ? 'TLS, writes' : 'TLS, reads' });
      if (i > 0) edges.push({ from: 'db0', to: `db${i}`, label: 'replication' });
    });
  }
  for (const [, group] of ofType('AWS::ElastiCache::ReplicationGroup')) {
    const replicas = Number(group.Properties.NumCacheClusters) - 1;
    nodes.push({ id: 'cache', label: `Valkey: primary + ${replicas} replica${replicas === 1 ? '' : 's'}, TLS`, place: 'Data', shape: 'database' });
    for (const c of compute) edges.push({ from: c, to: 'cache', label: c === 'workers' ? 'TLS, cache' : 'TLS, sessions and cache' });
  }
  if (ofType('AWS::SQS::Queue').some(([, q]) => q.Properties?.RedrivePolicy)) {
    nodes.push({ id: 'queue', label: 'SQS job queue + dead-letter queue', place: 'region', shape: 'box' });
    for (const w of web) edges.push({ from: w, to: 'queue', label: 'send jobs' });
    if (compute.includes('workers')) edges.push({ from: 'workers', to: 'queue', label: 'receive' });
  }
  if (natGateways.length) {
    nodes.push({ id: 'nat', label: `NAT gateways x${natGateways.length}`, place: 'Public', shape: 'box' });
    for (const c of compute) edges.push({ from: c, to: 'nat', label: 'egress' });
  }
  if (ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').length && ofType('AWS::S3::Bucket').length) {
    nodes.push({ id: 'logs', label: 'S3: access logs', place: 'region', shape: 'box' });
    edges.push({ from: 'alb', to: 'logs', label: 'access logs' });
  }
  return { region, nodes, edges };
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
  const nodesIn = (place: Place) => diagram.nodes.filter((n) => n.place === place);
  for (const n of nodesIn('internet')) lines.push(`  ${n.id}${shape(n)}`);
  lines.push(`  subgraph region["${diagram.region}"]`);
  for (const n of nodesIn('region')) lines.push(`    ${n.id}${shape(n)}`);
  lines.push('    subgraph vpc["VPC, 2 AZs"]');
  for (const place of ['Public', 'App', 'Data'] as const) {
    const inside = nodesIn(place);
    if (!inside.length) continue;
    lines.push(`      subgraph ${place.toLowerCase()}["${PLACE_LABELS[place]}"]`);
    for (const n of inside) lines.push(`        ${n.id}${shape(n)}`);
    lines.push('      end');
  }
  lines.push('    end', '  end');
  for (const e of diagram.edges) lines.push(`  ${e.from} -->${e.label ? `|"${e.label}"|` : ''} ${e.to}`);
  return lines.join('\n') + '\n';
}

export function renderDot(diagram: Diagram): string {
  const node = (n: Node, indent: string) =>
    `${indent}${n.id} [label="${n.label}", shape=${n.shape === 'database' ? 'cylinder' : n.shape === 'stadium' ? 'oval' : 'box'}];`;
  const lines = ['digraph stage {', '  rankdir=TB;'];
  const nodesIn = (place: Place) => diagram.nodes.filter((n) => n.place === place);
  for (const n of nodesIn('internet')) lines.push(node(n, '  '));
  lines.push('  subgraph cluster_region {', `    label="${diagram.region}";`);
  for (const n of nodesIn('region')) lines.push(node(n, '    '));
  lines.push('    subgraph cluster_vpc {', '      label="VPC, 2 AZs";');
  for (const place of ['Public', 'App', 'Data'] as const) {
    const inside = nodesIn(place);
    if (!inside.length) continue;
    lines.push(`      subgraph cluster_${place.toLowerCase()} {`, `        label="${PLACE_LABELS[place]}";`);
    for (const n of inside) lines.push(node(n, '        '));
    lines.push('      }');
  }
  lines.push('    }', '  }');
  for (const e of diagram.edges) lines.push(`  ${e.from} -> ${e.to}${e.label ? ` [label="${e.label}"]` : ''};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** The diagram of a built stage, from its (cached) synthesis with cdk.json's configuration. */
export function stageDiagram(stage: StageNumber, format: 'mermaid' | 'dot' = 'mermaid', options: SynthOptions = {}): string {
  const { templates } = synthesizeStage(stage, options);
  const region = String(options.context?.region ?? projectContext().region);
  const diagram = buildDiagram(templates, region);
  return format === 'dot' ? renderDot(diagram) : renderMermaid(diagram);
}
