/**
 * In-place upgrades, from the templates: deploying stage N+1 over stage N updates the same
 * stacks, replaces no stateful resource, removes one only under a Snapshot or Retain policy with
 * a runbook step, and never strands a consumer stack on a value its producer stopped publishing.
 * Classification by the diff engine (tools/stage-diff.ts, on @aws-cdk/cloudformation-diff, the
 * engine behind `cdk diff`), whose rules are tested on hand-written templates.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';
import { StageNumber } from '../../core/stages';
import { BUILT_STAGES } from '../../stages';
import { DataFate, diffStages, StageDiff } from '../../tools/stage-diff';
import { synthesizeStage } from '../../tools/synth-cache';
import { CfnTemplate } from '../support/synth';
import { findKey } from '../support/templates';

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
