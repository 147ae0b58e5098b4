/**
 * The order `cdk deploy --all` runs a move in: stacks one at a time, producers before consumers;
 * within a stack, CloudFormation's update phase (creations, updates and the new half of each
 * replacement, each as soon as what it depends on is done), then its cleanup phase (removals and
 * the old half of each replacement, dependents first). Which resource changes how is the diff's
 * classification (tools/stage-diff.ts); this module only orders and times it.
 */
import { findKey } from '../../core/template-query';
import { StackDiff, StageDiff } from '../stage-diff';
import { StageTemplates } from '../synth-cache';
import { Action, timingOf } from './timings';

export type Operation = 'create' | 'update' | 'replace' | 'delete' | 'delete-old';

export interface Clock {
  readonly min: number;
  readonly typical: number;
  readonly max: number;
}

export interface Op {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  readonly operation: Operation;
  readonly phase: 'update' | 'cleanup';
  /** For updates: the properties whose update interrupts the resource (the diff's). */
  readonly interrupts: string[];
  /** Kept in AWS when the stack lets go of it (DeletionPolicy Retain). */
  readonly retained: boolean;
  /** Seconds from the start of the deploy, at the lower, typical (midpoint) and upper timing estimates. */
  readonly start: Clock;
  readonly end: Clock;
  /** Where the estimate of its duration comes from. */
  readonly timing: { readonly seconds: readonly [number, number]; readonly what: string; readonly source: string };
}

/** Resources a resource waits for: DependsOn, Ref, Fn::GetAtt and Fn::Sub references within its template. */
export function dependencies(template: any, logicalId: string): string[] {
  const resources = template?.Resources ?? {};
  const resource = resources[logicalId];
  if (!resource) return [];
  const found = new Set<string>([resource.DependsOn ?? []].flat());
  for (const ref of findKey(resource.Properties ?? {}, 'Ref')) if (typeof ref === 'string') found.add(ref);
  for (const att of findKey(resource.Properties ?? {}, 'Fn::GetAtt')) {
    const target = Array.isArray(att) ? att[0] : typeof att === 'string' ? att.split('.')[0] : undefined;
    if (typeof target === 'string') found.add(target);
  }
  for (const sub of findKey(resource.Properties ?? {}, 'Fn::Sub')) {
    const text = Array.isArray(sub) ? sub[0] : sub;
    if (typeof text === 'string') for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}/g)) found.add(m[1]);
  }
  return [...found].filter((id) => id !== logicalId && id in resources);
}

/** Stacks a stack reads values from (Fn::GetStackOutput, Fn::ImportValue). */
export function stackDependencies(stack: string, templates: StageTemplates): string[] {
  const exporters = new Map<string, string>();
  for (const [name, t] of Object.entries(templates)) {
    for (const output of Object.values<any>(t.Outputs ?? {})) if (output.Export?.Name) exporters.set(String(output.Export.Name), name);
  }
  const found = new Set<string>();
  for (const ref of findKey(templates[stack], 'Fn::GetStackOutput') as Array<{ StackName?: string }>) {
    if (typeof ref?.StackName === 'string' && ref.StackName in templates) found.add(ref.StackName);
  }
  for (const name of findKey(templates[stack], 'Fn::ImportValue')) {
    const producer = typeof name === 'string' ? exporters.get(name) : undefined;
    if (producer) found.add(producer);
  }
  found.delete(stack);
  return [...found];
}

/**
 * The new stage's stacks in the order `cdk deploy --all` deploys them: producers first, otherwise
 * as synthesized. Stacks only the old stage has are not deployed (`cdk deploy` never deletes a stack).
 */
export function stackOrder(after: StageTemplates): string[] {
  const names = Object.keys(after);
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (stack: string, path: string[]) => {
    if (done.has(stack)) return;
    if (path.includes(stack)) throw new Error(`stacks reference each other in a cycle: ${[...path, stack].join(' -> ')}`);
    for (const producer of stackDependencies(stack, after)) visit(producer, [...path, stack]);
    done.add(stack);
    order.push(stack);
  };
  names.forEach((stack) => visit(stack, []));
  return order;
}

interface Pending {
  stack: string;
  logicalId: string;
  type: string;
  operation: Operation;
  phase: 'update' | 'cleanup';
  interrupts: string[];
  retained: boolean;
  resource: any;
  waitsFor: string[];
}

/** The operations of the whole deploy, in the order they finish (at the typical estimate). */
export function schedule(diff: StageDiff, before: StageTemplates, after: StageTemplates): Op[] {
  const ops: Op[] = [];
  let clock: Clock = { min: 0, typical: 0, max: 0 };
  for (const stack of stackOrder(after)) {
    const stackDiff = diff.stacks.find((s) => s.stack === stack);
    if (!stackDiff) continue;
    const stackOps = scheduleStack(stackDiff, before[stack], after[stack], clock);
    ops.push(...stackOps);
    clock = latest(clock, stackOps);
  }
  return ops;
}

function latest(clock: Clock, ops: Op[]): Clock {
  return ops.reduce((t, op) => ({ min: Math.max(t.min, op.end.min), typical: Math.max(t.typical, op.end.typical), max: Math.max(t.max, op.end.max) }), clock);
}

function scheduleStack(diff: StackDiff, before: any, after: any, start: Clock): Op[] {
  const pending: Pending[] = [];
  const changed = new Set<string>();
  const add = (p: Omit<Pending, 'waitsFor'>) => pending.push({ ...p, waitsFor: [] });
  for (const c of diff.added) add({ stack: diff.stack, logicalId: c.logicalId, type: c.type, operation: 'create', phase: 'update', interrupts: [], retained: false, resource: after.Resources[c.logicalId] });
  for (const c of diff.updated) add({ stack: diff.stack, logicalId: c.logicalId, type: c.type, operation: 'update', phase: 'update', interrupts: c.interrupts ?? [], retained: false, resource: after.Resources[c.logicalId] });
  for (const c of diff.replaced) add({ stack: diff.stack, logicalId: c.logicalId, type: c.type, operation: 'replace', phase: 'update', interrupts: [], retained: false, resource: after.Resources[c.logicalId] });
  pending.forEach((p) => changed.add(p.logicalId));
  // CloudFormation also updates a resource whose reference to a replaced resource, or to a launch
  // template's new version, resolves to a new value; the diff of the templates cannot see it.
  for (const p of implicitUpdates(diff, after, changed)) add(p);
  const updatePhase = new Set(pending.map((p) => p.logicalId));
  for (const p of pending) p.waitsFor = dependencies(after, p.logicalId).filter((d) => updatePhase.has(d));

  const cleanup: Pending[] = [];
  const leaving = (id: string, type: string, operation: Operation) => {
    const resource = before.Resources[id];
    const retained = operation === 'delete' && ['Retain', 'RetainExceptOnCreate'].includes(resource?.DeletionPolicy);
    cleanup.push({ stack: diff.stack, logicalId: id, type, operation, phase: 'cleanup', interrupts: [], retained, resource, waitsFor: [] });
  };
  diff.replaced.forEach((c) => leaving(c.logicalId, c.type, 'delete-old'));
  diff.removed.forEach((c) => leaving(c.logicalId, c.type, 'delete'));
  // Dependents go first: a resource is deleted once everything of the old template that uses it is.
  const cleaned = new Set(cleanup.map((p) => p.logicalId));
  for (const p of cleanup) {
    p.waitsFor = Object.keys(before?.Resources ?? {}).filter((other) => cleaned.has(other) && other !== p.logicalId && dependencies(before, other).includes(p.logicalId));
  }

  const updates = run(pending, start);
  const cleanups = run(cleanup, latest(start, updates));
  return [...updates, ...cleanups];
}

function implicitUpdates(diff: StackDiff, after: any, changed: Set<string>): Array<Omit<Pending, 'waitsFor'>> {
  const replaced = new Set(diff.replaced.map((c) => c.logicalId));
  const newVersion = new Set(diff.updated.filter((c) => c.type === 'AWS::EC2::LaunchTemplate').map((c) => c.logicalId));
  const found: Array<Omit<Pending, 'waitsFor'>> = [];
  for (const [id, resource] of Object.entries<any>(after?.Resources ?? {})) {
    if (changed.has(id)) continue;
    const refs = findKey(resource.Properties ?? {}, 'Ref').filter((r) => typeof r === 'string') as string[];
    const atts = findKey(resource.Properties ?? {}, 'Fn::GetAtt') as string[][];
    const moved = refs.some((r) => replaced.has(r))
      || atts.some((a) => Array.isArray(a) && (replaced.has(a[0]) || (newVersion.has(a[0]) && /VersionNumber$/.test(String(a[1])))));
    if (moved) found.push({ stack: diff.stack, logicalId: id, type: resource.Type, operation: 'update', phase: 'update', interrupts: [], retained: false, resource });
  }
  return found;
}

/** Starts each operation as soon as what it waits for is done; returns them in finishing order. */
function run(pending: Pending[], start: Clock): Op[] {
  const ends = new Map<string, Clock>();
  const done: Op[] = [];
  const remaining = [...pending];
  const action = (o: Operation): Action => (o === 'delete-old' ? 'delete' : o === 'replace' ? 'create' : o);
  while (remaining.length) {
    const i = remaining.findIndex((p) => p.waitsFor.every((d) => ends.has(d)));
    // A cycle cannot be deployed; CloudFormation would refuse the template before any change.
    if (i < 0) throw new Error(`resources of ${remaining[0].stack} wait for each other: ${remaining.map((p) => p.logicalId).join(', ')}`);
    const p = remaining.splice(i, 1)[0];
    const timing = timingOf(action(p.operation), p.type, p.resource);
    const waits = p.waitsFor.map((d) => ends.get(d)!);
    const s: Clock = {
      min: Math.max(start.min, ...waits.map((w) => w.min)),
      typical: Math.max(start.typical, ...waits.map((w) => w.typical)),
      max: Math.max(start.max, ...waits.map((w) => w.max)),
    };
    const end: Clock = { min: s.min + timing.seconds[0], typical: s.typical + (timing.seconds[0] + timing.seconds[1]) / 2, max: s.max + timing.seconds[1] };
    ends.set(p.logicalId, end);
    const { resource: _, waitsFor: __, ...rest } = p;
    done.push({ ...rest, start: s, end, timing });
  }
  return done
    .map((op, index) => ({ op, index }))
    .sort((a, b) => a.op.end.typical - b.op.end.typical || a.index - b.index)
    .map(({ op }) => op);
}
