/** Diagrams generated from the templates: what each stage shows, and the README kept current. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BUILT_STAGES } from '../../stages';
import { buildDiagram, renderDot, renderMermaid, stageDiagram, updateReadmeDiagrams } from '../../tools/diagram';
import { synthesizeStage } from '../../tools/synth-cache';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-diagram-'));
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
const diagram = (stage: 1 | 2 | 3) => buildDiagram(synthesizeStage(stage, { cacheDir }).templates, 'us-east-1');
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
  expect(renderMermaid(d)).toContain('alb -->|"port 80, /health"| asg');
  expect(renderDot(d)).toMatch(/^digraph stage \{[\s\S]*alb -> asg \[label="port 80, \/health"\];[\s\S]*\}\n$/);
});

test('the README shows the current diagram of every built stage', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const current = Object.fromEntries(BUILT_STAGES.map((stage) => [stage, stageDiagram(stage, 'mermaid', { cacheDir })]));
  expect(updateReadmeDiagrams(readme, current)).toBe(readme);
});
