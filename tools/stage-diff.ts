/**
 * What deploying stage `to` over stage `from` does, stack by stack, computed with
 * @aws-cdk/cloudformation-diff (`fullDiff`, the engine behind `cdk diff`): resources added,
 * updated in place (and whether the update interrupts them), replaced and removed; what happens
 * to everything that holds data; and the cross-stack references the upgrade would break.
 */
import { fullDiff, ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { isStateful } from '../core/stateful';
import { findKey } from '../core/template-query';
import { STAGES, StageNumber } from '../core/stages';
import { interruptingProperties } from './interruptions';
import { StageTemplates } from './synth-cache';

/** What happens to a resource that holds data. */
export type DataFate = 'created' | 'kept' | 'updated' | 'replaced' | 'may-be-replaced' | 'snapshotted' | 'retained' | 'deleted';

/** Fates that lose data. */
export const DATA_LOSS: readonly DataFate[] = ['replaced', 'may-be-replaced', 'deleted'];

export interface ResourceChange {
  readonly logicalId: string;
  readonly type: string;
  /** Properties whose values change (updates and replacements). */
  readonly properties?: string[];
  /** For updates: the properties among `properties` whose update interrupts the resource. */
  readonly interrupts?: string[];
}

export interface StackDiff {
  readonly stack: string;
  /** `created` and `removed` when the whole stack appears or disappears. */
  readonly status: 'created' | 'updated' | 'unchanged' | 'removed';
  readonly added: ResourceChange[];
  readonly updated: ResourceChange[];
  readonly replaced: ResourceChange[];
  readonly removed: ResourceChange[];
}

export interface DataResource {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly fate: DataFate;
}

export interface BrokenReference {
  /** Stack of the old stage that reads the value. */
  readonly consumer: string;
  readonly producer: string;
  /** Export name (`Fn::ImportValue`) or output name (`Fn::GetStackOutput`). */
  readonly name: string;
  /** `deadlock`: CloudFormation refuses to delete an export in use; `stranded`: the old consumer can no longer be resolved (its rollback fails). */
  readonly kind: 'deadlock' | 'stranded';
}

export interface StageDiff {
  readonly from: StageNumber;
  readonly to: StageNumber;
  readonly direction: 'upgrade' | 'downgrade';
  readonly stacks: StackDiff[];
  readonly data: DataResource[];
  readonly brokenReferences: BrokenReference[];
}

export function diffStages(from: StageNumber, to: StageNumber, before: StageTemplates, after: StageTemplates): StageDiff {
  if (from === to) throw new Error(`cannot diff stage ${from} with itself`);
  // In deployment order, as synthesized (producers first), then stacks the new stage no longer has.
  const stackNames = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  const stacks: StackDiff[] = [];
  const data: DataResource[] = [];
  for (const stack of stackNames) {
    const { diff, resources } = diffStack(stack, before[stack], after[stack]);
    stacks.push(diff);
    data.push(...resources);
  }
  return {
    from,
    to,
    direction: to > from ? 'upgrade' : 'downgrade',
    stacks,
    data,
    brokenReferences: brokenReferences(before, after),
  };
}

function diffStack(stack: string, before: any, after: any): { diff: StackDiff; resources: DataResource[] } {
  const empty = { Resources: {} };
  const result = fullDiff(before ?? empty, after ?? empty);
  const diff = {
    stack,
    status: !before ? 'created' : !after ? 'removed' : result.resources.differenceCount ? 'updated' : 'unchanged',
    added: [] as ResourceChange[],
    updated: [] as ResourceChange[],
    replaced: [] as ResourceChange[],
    removed: [] as ResourceChange[],
  } satisfies StackDiff;
  const resources: DataResource[] = [];

  for (const logicalId of new Set([...Object.keys(before?.Resources ?? {}), ...Object.keys(after?.Resources ?? {})])) {
    const change = result.resources.has(logicalId) ? result.resources.get(logicalId) : undefined;
    const oldResource = before?.Resources?.[logicalId];
    const type: string = change?.newResourceType ?? change?.oldResourceType ?? oldResource?.Type;
    const impact = change?.changeImpact ?? ResourceImpact.NO_CHANGE;
    const properties = change ? Object.keys(change.propertyUpdates).sort() : [];
    switch (impact) {
      case ResourceImpact.WILL_CREATE:
        diff.added.push({ logicalId, type });
        break;
      case ResourceImpact.WILL_UPDATE:
        diff.updated.push({ logicalId, type, properties, interrupts: interruptingProperties(type, properties) });
        break;
      case ResourceImpact.WILL_REPLACE:
      case ResourceImpact.MAY_REPLACE:
        diff.replaced.push({ logicalId, type, properties });
        break;
      case ResourceImpact.WILL_DESTROY:
      case ResourceImpact.WILL_ORPHAN:
        diff.removed.push({ logicalId, type });
        break;
    }
    if (isStateful(type)) resources.push({ stack, logicalId, type, fate: fateOf(impact, oldResource?.DeletionPolicy) });
  }
  return { diff, resources };
}

function fateOf(impact: ResourceImpact, deletionPolicy: string | undefined): DataFate {
  switch (impact) {
    case ResourceImpact.WILL_CREATE: return 'created';
    case ResourceImpact.WILL_UPDATE: return 'updated';
    case ResourceImpact.WILL_REPLACE: return 'replaced';
    case ResourceImpact.MAY_REPLACE: return 'may-be-replaced';
    case ResourceImpact.WILL_ORPHAN: return 'retained';
    case ResourceImpact.WILL_DESTROY: return deletionPolicy === 'Snapshot' ? 'snapshotted' : 'deleted';
    default: return 'kept';
  }
}

/**
 * References of the old stage's stacks that the new stage's producers no longer satisfy. The
 * producer deploys first, so a missing export deadlocks the update and a missing output leaves
 * the old consumer unresolvable until it is updated too.
 */
function brokenReferences(before: StageTemplates, after: StageTemplates): BrokenReference[] {
  const broken: BrokenReference[] = [];
  const exportsAfter = new Map<string, string>();
  for (const [stack, t] of Object.entries(after)) {
    for (const output of Object.values<any>(t.Outputs ?? {})) {
      if (output.Export?.Name) exportsAfter.set(String(output.Export.Name), stack);
    }
  }
  const exportsBefore = new Map<string, string>();
  for (const [stack, t] of Object.entries(before)) {
    for (const output of Object.values<any>(t.Outputs ?? {})) {
      if (output.Export?.Name) exportsBefore.set(String(output.Export.Name), stack);
    }
  }
  for (const [consumer, t] of Object.entries(before)) {
    for (const name of findKey(t, 'Fn::ImportValue')) {
      if (typeof name === 'string' && !exportsAfter.has(name)) {
        broken.push({ consumer, producer: exportsBefore.get(name) ?? 'unknown', name, kind: 'deadlock' });
      }
    }
    for (const ref of findKey(t, 'Fn::GetStackOutput') as Array<{ StackName: string; OutputName: string }>) {
      if (!after[ref.StackName]?.Outputs?.[ref.OutputName]) {
        broken.push({ consumer, producer: ref.StackName, name: ref.OutputName, kind: 'stranded' });
      }
    }
  }
  return dedupe(broken);
}

function dedupe(references: BrokenReference[]): BrokenReference[] {
  const seen = new Set<string>();
  return references.filter((r) => {
    const key = `${r.consumer}|${r.producer}|${r.name}|${r.kind}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Stage names for messages. */
export function stageLabel(n: StageNumber): string {
  return `${n} ${STAGES[n - 1].name}`;
}
