/**
 * In-place upgrades, from the templates: deploying stage N+1 over stage N updates the same
 * stacks, replaces no stateful resource, removes one only under a Snapshot or Retain policy with
 * a runbook step, and never strands a consumer stack on a value its producer stopped publishing.
 * Classification by @aws-cdk/cloudformation-diff, the engine behind `cdk diff`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import * as os from 'os';
import { BUILT_STAGES } from '../../stages';
import { synthesizeStage } from '../../tools/synth-cache';
import { CfnTemplate } from '../support/synth';
import { findKey, STATEFUL_TYPES } from '../support/templates';

/** How a runbook names each kind of stateful resource it retires. */
const RUNBOOK_WORDS: Record<string, RegExp> = {
  'AWS::EC2::EIP': /Elastic IP/i,
  'AWS::EC2::Volume': /volume/i,
  'AWS::Logs::LogGroup': /log group/i,
  'AWS::S3::Bucket': /bucket/i,
};

// Templates only: the stage tests run cdk-nag and the validator on the same synthesis.
const templates: Record<number, Record<string, CfnTemplate>> = {};
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-upgrade-'));
beforeAll(() => {
  for (const stage of BUILT_STAGES) templates[stage] = synthesizeStage(stage, { cacheDir }).templates;
});
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

const pairs = BUILT_STAGES.slice(1).map((to) => [to - 1, to] as const);

describe.each(pairs)('stage %i to %i', (from, to) => {
  test('keeps every stack name', () => {
    expect(Object.keys(templates[to])).toEqual(expect.arrayContaining(Object.keys(templates[from])));
  });

  test('replaces no stateful resource', () => {
    const replaced: string[] = [];
    for (const [stack, before] of Object.entries(templates[from])) {
      fullDiff(before, templates[to][stack]).resources.forEachDifference((id, change) => {
        const type = change.oldResourceType;
        const replacing = change.changeImpact === ResourceImpact.WILL_REPLACE || change.changeImpact === ResourceImpact.MAY_REPLACE;
        if (type && STATEFUL_TYPES.has(type) && replacing) replaced.push(`${stack}/${id} (${type})`);
      });
    }
    expect(replaced).toEqual([]);
  });

  test('removes a stateful resource only under a Snapshot or Retain policy, with a runbook step', () => {
    const runbook = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'migrations', `${from}-to-${to}.md`), 'utf8');
    for (const [stack, before] of Object.entries(templates[from])) {
      fullDiff(before, templates[to][stack]).resources.forEachDifference((id, change) => {
        const type = change.oldResourceType;
        if (!type || !STATEFUL_TYPES.has(type) || change.newValue !== undefined) return;
        const policy = before.Resources[id].DeletionPolicy;
        expect({ resource: `${stack}/${id}`, policy }).toEqual({ resource: `${stack}/${id}`, policy: expect.stringMatching(/^(Snapshot|Retain)$/) });
        expect(runbook).toMatch(RUNBOOK_WORDS[type] ?? new RegExp(type));
      });
    }
  });

  test('never strands a consumer: outputs the old stage reads are still published', () => {
    const missing: string[] = [];
    for (const reference of findKey(templates[from], 'Fn::GetStackOutput') as Array<{ StackName: string; OutputName: string }>) {
      const producer = templates[to][reference.StackName];
      if (!producer?.Outputs?.[reference.OutputName]) missing.push(`${reference.StackName}.${reference.OutputName}`);
    }
    expect(missing).toEqual([]);
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
