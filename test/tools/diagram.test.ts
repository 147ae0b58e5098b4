/** Diagrams generated from the templates: what each stage shows, and the README kept current. */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AuroraDatabase } from '../../lib/aurora-database';
import { EdgeDistribution } from '../../lib/edge-distribution';
import { EdgeWebAcl } from '../../lib/edge-web-acl';
import { JobQueue } from '../../lib/job-queue';
import { ValkeyCache } from '../../lib/valkey-cache';
import { WebTier } from '../../lib/web-tier';
import { WorkerGroup } from '../../lib/worker-group';
import { CLOUDFORMATION_TYPES } from '../../core/resource-types';
import { BUILT_STAGES } from '../../stages';
import { buildDiagram, renderDot, renderMermaid, stageDiagram, updateReadmeDiagrams } from '../../tools/diagram';
import { synthesizeStage } from '../../tools/synth-cache';
import { bareStack, TEST_APP, testVpc } from '../support/bare-stack';

// Stages come from the project's synth cache (.cache/synth), shared with the other test files.
const diagram = (stage: 1 | 2 | 3) => buildDiagram(synthesizeStage(stage).templates, 'us-east-1');
const labels = (stage: 1 | 2 | 3) => diagram(stage).nodes.map((n) => `${n.place}: ${n.label}`);

test('stage 1 is one box with PostgreSQL behind an Elastic IP in a public subnet, and its volume', () => {
  expect(labels(1)).toEqual(expect.arrayContaining(['Public: EC2 instance: app + PostgreSQL', 'Public: Elastic IP', 'region: EBS data volume, daily snapshots']));
  expect(diagram(1).edges).toEqual(expect.arrayContaining([{ from: 'users', to: 'eip', label: 'HTTP(S)' }, { from: 'eip', to: 'box' }]));
});

test('stage 2 moves the database to an Aurora writer in the data subnets', () => {
  expect(labels(2)).toEqual(expect.arrayContaining(['Public: EC2 instance: app', 'Data: Aurora PostgreSQL writer, AZ 1']));
  expect(diagram(2).edges).toContainEqual({ from: 'box', to: 'db0', label: 'TLS, writes' });
});

test('stage 3 puts a load balancer in front of a group in the app subnets, with a reader in AZ 2', () => {
  expect(labels(3)).toEqual(expect.arrayContaining([
    'Public: Application Load Balancer (HTTP 80)', 'App: Auto Scaling group: app instances, 2-6 over 2 AZs',
    'Data: Aurora PostgreSQL writer, AZ 1', 'Data: Aurora PostgreSQL reader, AZ 2', 'Public: NAT gateways x2',
  ]));
  expect(labels(3).some((l) => l.includes('EC2 instance'))).toBe(false);
});

test('renders Mermaid starting with flowchart, and dot as a digraph', () => {
  const d = diagram(3);
  expect(renderMermaid(d).split('\n')[0]).toBe('flowchart TB');
  expect(renderMermaid(d)).toContain('alb -->|"port 80, /health/live"| asg');
  expect(renderDot(d)).toMatch(/^digraph stage \{[\s\S]*alb -> asg \[label="port 80, \/health\/live"\];[\s\S]*\}\n$/);
});

test('the README shows the current diagram of every built stage', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const current = Object.fromEntries(BUILT_STAGES.map((stage) => [stage, stageDiagram(stage, 'mermaid')]));
  expect(updateReadmeDiagrams(readme, current)).toBe(readme);
});

test('reads the stage-4 components from their constructs\' templates: CDN, WAF, cache, queue, workers', () => {
  // A bare stack with the stage-4 constructs wired as the stage will wire them.
  const stack = bareStack();
  const vpc = testVpc(stack);
  const topic = new sns.Topic(stack, 'Topic');
  const appSg = new ec2.SecurityGroup(stack, 'AppSg', { vpc });
  const db = new AuroraDatabase(stack, 'Database', { vpc, subnets: { subnetGroupName: 'Data' }, readers: 1 });
  const cache = new ValkeyCache(stack, 'Cache', { vpc, subnets: { subnetGroupName: 'Data' } });
  const jobs = new JobQueue(stack, 'Jobs');
  const common = { app: TEST_APP, port: 80, instanceType: new ec2.InstanceType('t4g.small'), alarmTopic: topic, stageLabel: '4 cache-cdn' };
  const web = new WebTier(stack, 'Web', {
    ...common, vpc, loadBalancerSubnets: { subnetGroupName: 'Public' }, instanceSubnets: { subnetGroupName: 'App' },
    loadBalancerSecurityGroup: new ec2.SecurityGroup(stack, 'LbSg', { vpc, allowAllOutbound: false }), instanceSecurityGroup: appSg,
    database: { secret: db.cluster.secret! }, accessLogBucket: new s3.Bucket(stack, 'AccessLogs'),
  });
  new WorkerGroup(stack, 'Workers', {
    ...common, vpc, subnets: { subnetGroupName: 'App' }, securityGroup: appSg, queue: jobs.queue,
    database: { secret: db.cluster.secret! }, cache: { endpoint: cache.primaryEndpoint, authToken: cache.authToken },
  });
  new EdgeDistribution(stack, 'Edge', {
    loadBalancer: web.loadBalancer, originVerifyValue: 'x', assetsBucket: new s3.Bucket(stack, 'Assets'),
    logBucket: new s3.Bucket(stack, 'CdnLogs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED }),
    webAclArn: new EdgeWebAcl(stack, 'WebAcl').webAcl.attrArn,
  });

  const d = buildDiagram({ Test: Template.fromStack(stack).toJSON() }, 'us-east-1');
  expect(d.nodes.map((n) => `${n.place}: ${n.label}`)).toEqual(expect.arrayContaining([
    'internet: CloudFront + WAF web ACL', 'region: S3: static assets', 'App: Auto Scaling group: workers, 1-4, scaled on queue backlog',
    'App: Auto Scaling group: app instances, 2-6 over 2 AZs', 'Data: Valkey: primary + 1 replica, TLS', 'region: SQS job queue + dead-letter queue',
  ]));
  expect(d.edges).toEqual(expect.arrayContaining([
    { from: 'users', to: 'cdn', label: 'HTTPS' }, { from: 'cdn', to: 'alb', label: 'dynamic paths' }, { from: 'cdn', to: 'assets', label: '/static/*' },
    { from: 'asg', to: 'cache', label: 'TLS, sessions and cache' }, { from: 'asg', to: 'queue', label: 'send jobs' },
    { from: 'workers', to: 'queue', label: 'receive' }, { from: 'workers', to: 'db0', label: 'TLS, writes' },
  ]));
  expect(d.edges).not.toContainEqual(expect.objectContaining({ from: 'users', to: 'alb' }));
});

test('stage 5 draws both regions, the global database between them, and CloudFront failing reads over', () => {
  const d = buildDiagram(synthesizeStage(5).templates, 'us-east-1', 'us-west-2');
  expect(d.regions).toEqual(['us-east-1', 'us-west-2']);
  const labels = d.nodes.map((n) => `${n.region ?? 'global'} ${n.place}: ${n.label}`);
  expect(labels).toEqual(expect.arrayContaining([
    'global internet: CloudFront + WAF web ACL', 'us-east-1 Data: Aurora PostgreSQL writer, AZ 1',
    'us-west-2 Data: Aurora PostgreSQL global secondary, AZ 1', 'us-west-2 Public: Application Load Balancer (HTTP 80)',
    'us-west-2 Data: Valkey: primary + 1 replica, TLS', 'us-east-1 region: S3: static assets',
  ]));
  expect(labels.some((l) => l.startsWith('us-west-2') && l.includes('static assets'))).toBe(false);
  expect(d.edges).toEqual(expect.arrayContaining([
    { from: 'cdn', to: 'alb', label: 'reads, first' }, { from: 'cdn', to: 'r2_alb', label: 'reads, on failover' },
    { from: 'db0', to: 'r2_db0', label: 'global database replication' },
  ]));
  expect(renderMermaid(d)).toContain('subgraph r2_region["us-west-2"]');
});

test('stage 5 with a hosted zone adds Route 53 sending writes to either region', () => {
  const context = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };
  const d = buildDiagram(synthesizeStage(5, { context }).templates, 'us-east-1', 'us-west-2');
  expect(d.nodes).toContainEqual(expect.objectContaining({ id: 'dns', place: 'internet' }));
  expect(d.edges).toEqual(expect.arrayContaining([
    { from: 'cdn', to: 'dns', label: 'writes' }, { from: 'dns', to: 'alb', label: 'writes' },
    { from: 'dns', to: 'r2_alb', label: 'writes, when the primary is unhealthy' },
  ]));
});

describe('every type is drawn or says why not (core/resource-types.ts)', () => {
  test.each(BUILT_STAGES)('stage %i: the node of each drawn type is in the diagram', (stage) => {
    const { templates } = synthesizeStage(stage);
    const d = buildDiagram(templates, 'us-east-1', stage === 5 ? 'us-west-2' : undefined);
    const ids = new Set(d.nodes.map((n) => n.id.replace(/^r2_/, '')));
    const types = new Set(Object.values<any>(templates).flatMap((t) => Object.values<any>(t.Resources).map((r) => r.Type)));
    const missing = [...types].flatMap((type) => {
      const drawn = CLOUDFORMATION_TYPES[type]?.diagram;
      return drawn && 'node' in drawn && !ids.has(drawn.node) ? [`${type}: ${drawn.node}`] : [];
    });
    expect(missing).toEqual([]);
  });

  test('a type the map does not know fails the diagram instead of being left out', () => {
    const templates = { extra: { Resources: { Key: { Type: 'AWS::EC2::KeyPair', Properties: { KeyName: 'extra' } } } } };
    expect(() => buildDiagram(templates, 'us-east-1')).toThrow('diagram does not know the resource type AWS::EC2::KeyPair');
  });
});
