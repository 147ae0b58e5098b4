/**
 * In-place upgrades, from the templates: deploying stage N+1 over stage N updates the same
 * stacks, replaces no stateful resource, removes one only under a Snapshot or Retain policy with
 * a runbook step, and never strands a consumer stack on a value its producer stopped publishing.
 * Classification by the diff engine (tools/stage-diff.ts, on @aws-cdk/cloudformation-diff, the
 * engine behind `cdk diff`), whose rules are tested on hand-written templates.
 */
import * as fs from 'fs';
import * as path from 'path';
import { StageNumber } from '../../core/stages';
import { BUILT_STAGES } from '../../stages';
import { DataFate, diffStages, StageDiff } from '../../tools/stage-diff';
import { synthesizeStage } from '../../tools/synth-cache';
import { CfnTemplate } from '../support/synth';
import { findKey, ingressRules } from '../support/templates';

/** How a runbook names each kind of stateful resource it retires. */
const RUNBOOK_WORDS: Record<string, RegExp> = {
  'AWS::EC2::EIP': /Elastic IP/i,
  'AWS::EC2::Volume': /volume/i,
  'AWS::Logs::LogGroup': /log group/i,
  'AWS::S3::Bucket': /bucket/i,
};

// Templates only: the stage tests run cdk-nag and the validator on the same synthesis.
const templates: Record<number, Record<string, CfnTemplate>> = {};
// From the project's synth cache (.cache/synth), shared with the CLI and the other test files:
// keyed by the sources and the context, so a warm run synthesizes nothing.
beforeAll(() => {
  for (const stage of BUILT_STAGES) templates[stage] = synthesizeStage(stage).templates;
});

const pairs = BUILT_STAGES.slice(1).map((to) => [(to - 1) as StageNumber, to] as const);

describe.each(pairs)('stage %i to %i', (from, to) => {
  let diff: StageDiff;
  beforeAll(() => {
    diff = diffStages(from, to, templates[from], templates[to]);
  });
  const fates = (...wanted: DataFate[]) => diff.data.filter((d) => wanted.includes(d.fate)).map((d) => `${d.stack}/${d.logicalId} (${d.type})`);

  test('keeps every stack name', () => {
    expect(Object.keys(templates[to])).toEqual(expect.arrayContaining(Object.keys(templates[from])));
  });

  test('replaces no stateful resource', () => {
    expect(fates('replaced', 'may-be-replaced')).toEqual([]);
  });

  test('removes a stateful resource only under a Snapshot or Retain policy, with a runbook step', () => {
    expect(fates('deleted')).toEqual([]);
    const runbook = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'migrations', `${from}-to-${to}.md`), 'utf8');
    for (const removed of diff.data.filter((d) => d.fate === 'snapshotted' || d.fate === 'retained')) {
      expect(runbook).toMatch(RUNBOOK_WORDS[removed.type] ?? new RegExp(removed.type));
    }
  });

  test('never strands a consumer: exports and outputs the old stage reads are still published', () => {
    expect(diff.brokenReferences).toEqual([]);
  });
});

test('no template imports an export, so no export can deadlock an update', () => {
  for (const stage of BUILT_STAGES) expect(findKey(templates[stage], 'Fn::ImportValue')).toEqual([]);
});

test('the database created at stage 2 keeps its logical ID at every later stage', () => {
  const clusterIds = (stage: number) => Object.entries(templates[stage]['webapp-data'].Resources)
    .filter(([, r]) => r.Type === 'AWS::RDS::DBCluster').map(([id]) => id);
  const later = BUILT_STAGES.filter((s) => s > 2);
  expect(clusterIds(2)).toHaveLength(1);
  for (const stage of later) expect(clusterIds(stage)).toEqual(clusterIds(2));
});

/**
 * 2 -> 3 in two deploys. CloudFormation updates the network stack first, so a one-step upgrade
 * removes the box's internet rules 20-40 minutes before the load balancer and the reader exist
 * and DNS can move. With keepBox the first deploy keeps the box untouched; the second retires it.
 */
describe('stage 2 to 3 in two deploys (keepBox): the box serves until DNS has moved', () => {
  let kept: Record<string, CfnTemplate>;
  beforeAll(() => {
    kept = synthesizeStage(3, { context: { keepBox: true } }).templates;
  });
  /** The box's resources (instance, Elastic IP and its association, role, policies, alarms, log groups). */
  const box = (t: Record<string, CfnTemplate>) => Object.fromEntries(Object.entries(t['webapp-app'].Resources).filter(([id]) => id.startsWith('Box')));
  const internetRules = (t: Record<string, CfnTemplate>) => ingressRules(t['webapp-network'])
    .filter(({ group, rule }) => /AppSecurityGroup/.test(JSON.stringify(group)) && rule.CidrIp === '0.0.0.0/0');

  test('the first deploy changes no property of the stage-2 box, its Elastic IP association or its internet rules', () => {
    const before = box(templates[2]);
    expect(Object.values(before).map((r) => r.Type)).toEqual(expect.arrayContaining(['AWS::EC2::Instance', 'AWS::EC2::EIP', 'AWS::EC2::EIPAssociation']));
    expect(box(kept)).toEqual(before);
    expect(internetRules(templates[2])).toHaveLength(2);
    expect(internetRules(kept)).toEqual(internetRules(templates[2]));
    // ...beside the new load balancer and the reader.
    expect(JSON.stringify(kept['webapp-app'].Resources)).toContain('AWS::ElasticLoadBalancingV2::LoadBalancer');
  });

  test('the first deploy replaces nothing stateful and strands no consumer', () => {
    const diff = diffStages(2, 3, templates[2], kept);
    expect(diff.data.filter((d) => ['replaced', 'may-be-replaced', 'deleted'].includes(d.fate))).toEqual([]);
    expect(diff.brokenReferences).toEqual([]);
  });

  test('the second deploy (keepBox off) removes the box and its internet rules', () => {
    expect(Object.keys(box(templates[3]))).toEqual([]);
    expect(internetRules(templates[3])).toEqual([]);
    // The Elastic IP is retained (DNS may still point at it): the runbook says to release it.
    expect(kept['webapp-app'].Resources[Object.keys(box(kept)).find((id) => kept['webapp-app'].Resources[id].Type === 'AWS::EC2::EIP')!].DeletionPolicy).toBe('Retain');
    const diff = diffStages(2, 3, kept, templates[3]);
    expect(diff.data.filter((d) => ['replaced', 'may-be-replaced', 'deleted'].includes(d.fate))).toEqual([]);
    expect(diff.brokenReferences).toEqual([]);
  });
});

// Regions joined later (peering, Transit Gateway) need address ranges that do not overlap.
test('stage 5 gives the second region its own VPC range', () => {
  const cidr = (stack: string) => Object.values(templates[5][stack].Resources).find((r) => r.Type === 'AWS::EC2::VPC')!.Properties.CidrBlock;
  expect(cidr('webapp-network')).toBe('10.0.0.0/16');
  expect(cidr('webapp-network-us-west-2')).toBe('10.1.0.0/16');
});
