/**
 * `growth-stages rehearse`: replays a deploy (a move between stages, or a settings change at one
 * stage) in CloudFormation's order over the cached templates, and at each step checks what AWS
 * would refuse (rules.ts) and whether users are served (serving.ts). What happens to data is the
 * diff's (tools/stage-diff.ts), reused as it is.
 */
import { StageNumber } from '../../core/stages';
import { findKey } from '../../core/template-query';
import { RunbookDowntime, runbooks, RunbookStep } from '../runbooks';
import { BrokenReference, DataResource, diffStages } from '../stage-diff';
import { StageTemplates, synthesizeStage } from '../synth-cache';
import { Clock, Op, Operation, schedule, stackOrder } from './order';
import { EXPORT_IN_USE, RULES, Severity } from './rules';
import { ENTRY_PRIORITY, EntryPoint, entryPoints, serves } from './serving';
import { LiveState } from './state';
import { DNS_MOVE } from './timings';

export interface Step {
  /** 1-based; step 0 is the old stage as deployed. */
  readonly index: number;
  readonly stack: string;
  readonly phase: 'update' | 'cleanup';
  readonly operation: Operation;
  /** `start` only for an update that interrupts its resource; every operation has an `end`. */
  readonly event: 'start' | 'end';
  readonly logicalId: string;
  readonly type: string;
  readonly retained: boolean;
  /** Seconds from the start of the deploy. */
  readonly at: Clock;
  readonly serving: boolean;
}

export interface Conflict {
  readonly rule: string;
  readonly severity: Severity;
  readonly title: string;
  readonly source: string;
  readonly resources: string[];
  readonly detail: string;
  /** The step that creates the conflict (0: already in the old stage). */
  readonly startStep: number;
  /** The step after which it is gone; null: it lasts past the deploy. */
  readonly endStep: number | null;
}

export interface OutageWindow {
  /** The step after which users are no longer served. */
  readonly startStep: number;
  /** The step after which they are again; null: not within the deploy. */
  readonly endStep: number | null;
  /** `step`: the deploy itself restores the path; `dns-moves`: a new entry point serves, once DNS points at it; `not-restored`: nothing serves at the end. */
  readonly until: 'step' | 'dns-moves' | 'not-restored';
  readonly cause: string;
  readonly estimate: { readonly minSeconds: number; readonly maxSeconds: number; readonly basis: string };
}

export interface StackSummary {
  readonly stack: string;
  readonly region: string;
  readonly status: 'created' | 'updated' | 'unchanged' | 'removed';
  readonly firstStep: number | null;
  readonly lastStep: number | null;
  readonly note?: string;
}

export interface Rehearsal {
  readonly kind: 'move' | 'settings';
  readonly from: { readonly stage: StageNumber; readonly context: Record<string, unknown> };
  readonly to: { readonly stage: StageNumber; readonly context: Record<string, unknown> };
  /** Where users come in before the deploy (null when the old stage serves nobody). */
  readonly usersEntry: EntryPoint | null;
  /** Entry points other than the users' that serve at the end: DNS must move to one to use it. */
  readonly newEntries: Array<EntryPoint & { readonly servingFromStep: number }>;
  readonly stacks: StackSummary[];
  readonly steps: Step[];
  readonly conflicts: Conflict[];
  readonly windows: OutageWindow[];
  /** From the diff. */
  readonly data: DataResource[];
  readonly brokenReferences: BrokenReference[];
  /**
   * The runbook step that moves DNS, the downtime the runbooks state, and the steps that rehearse
   * this same move with other settings (a two-deploy move's first deploy: moves only).
   */
  readonly runbook: { readonly dnsStep: RunbookStep | null; readonly downtime: RunbookDowntime[]; readonly rehearsals: RunbookStep[] };
  /** Seconds the whole deploy takes, by the timing table. */
  readonly duration: { readonly minSeconds: number; readonly maxSeconds: number };
  readonly verdict: { readonly accepted: boolean; readonly serving: boolean };
}

export interface RehearseInput {
  readonly kind: 'move' | 'settings';
  readonly from: { readonly stage: StageNumber; readonly context: Record<string, unknown>; readonly templates: StageTemplates };
  readonly to: { readonly stage: StageNumber; readonly context: Record<string, unknown>; readonly templates: StageTemplates };
  /** The region of stacks whose region no reference names. @default us-east-1 */
  readonly region?: string;
}

export function rehearse(input: RehearseInput): Rehearsal {
  const before = input.from.templates;
  const after = input.to.templates;
  const diff = diffStages(input.from.stage, input.to.stage === input.from.stage ? otherStage(input.from.stage) : input.to.stage, before, after);
  const regions = stackRegions(before, after, input.region ?? 'us-east-1');
  const ops = schedule(diff, before, after);
  const state = new LiveState(before, after, regions);

  const usersEntry = chooseEntry(state);
  const servingNow = () => (usersEntry ? serves(state, usersEntry) : { serving: entryPoints(state).some((e) => serves(state, e).serving), path: [], reason: 'nothing serves' });

  const events = ops.flatMap((op) => [
    ...(op.operation === 'update' && op.interrupts.length ? [{ op, event: 'start' as const, at: op.start }] : []),
    { op, event: 'end' as const, at: op.end },
  ]).sort((a, b) => a.at.typical - b.at.typical);
  const lastUpdate = new Map<string, Op>();
  for (const op of ops) if (op.phase === 'update') lastUpdate.set(op.stack, op);

  const steps: Step[] = [];
  const conflicts: Conflict[] = [];
  const open = new Map<string, Conflict>();
  const windows: OutageWindow[] = [];
  const firstServing = new Map<string, number>();
  let windowStart: { step: number; at: Clock; cause: string } | undefined;

  const check = (index: number, at: Clock, op?: Op) => {
    const seen = new Set<string>();
    for (const rule of RULES) {
      for (const finding of rule.check(state)) {
        const id = `${finding.rule}|${finding.resources.join(',')}`;
        seen.add(id);
        if (!open.has(id)) open.set(id, { rule: rule.id, severity: rule.severity, title: rule.title, source: rule.source, resources: finding.resources, detail: finding.detail, startStep: index, endStep: null });
      }
    }
    for (const [id, conflict] of open) {
      if (!seen.has(id)) {
        conflicts.push({ ...conflict, endStep: index });
        open.delete(id);
      }
    }
    for (const entry of entryPoints(state)) if (!firstServing.has(entry.key) && serves(state, entry).serving) firstServing.set(entry.key, index);
    const path = servingNow();
    if (!path.serving && !windowStart) {
      windowStart = { step: index, at, cause: `${op ? `${describe(op)}: ` : ''}${path.reason ?? 'no path'}` };
    } else if (path.serving && windowStart) {
      windows.push(window(windowStart, index, at, 'step'));
      windowStart = undefined;
    }
    return path.serving;
  };

  const zero: Clock = { min: 0, typical: 0, max: 0 };
  check(0, zero);
  for (const { op, event, at } of events) {
    state.apply(op, event);
    if (event === 'end' && lastUpdate.get(op.stack) === op) state.stackDeployed(op.stack);
    // A stack with nothing to update takes its new outputs at its first cleanup.
    if (op.phase === 'cleanup') state.stackDeployed(op.stack);
    const index = steps.length + 1;
    const serving = check(index, at, op);
    steps.push({ index, stack: op.stack, phase: op.phase, operation: op.operation, event, logicalId: op.logicalId, type: op.type, retained: op.retained, at, serving });
  }
  const end = ops.reduce<Clock>((t, op) => ({ min: Math.max(t.min, op.end.min), typical: Math.max(t.typical, op.end.typical), max: Math.max(t.max, op.end.max) }), zero);

  for (const conflict of open.values()) conflicts.push(conflict);
  for (const r of diff.brokenReferences.filter((b) => b.kind === 'deadlock')) {
    const step = steps.find((s) => s.stack === r.producer)?.index ?? 0;
    conflicts.push({ rule: EXPORT_IN_USE.id, severity: EXPORT_IN_USE.severity, title: EXPORT_IN_USE.title, source: EXPORT_IN_USE.source, resources: [r.producer, r.consumer], detail: `${r.consumer} imports ${r.name}, which the new ${r.producer} no longer exports`, startStep: step, endStep: null });
  }
  conflicts.sort((a, b) => a.startStep - b.startStep || a.rule.localeCompare(b.rule));

  const finalEntries = entryPoints(state).filter((e) => e.key !== usersEntry?.key && serves(state, e).serving);
  if (windowStart) {
    windows.push(window(windowStart, null, end, finalEntries.length ? 'dns-moves' : 'not-restored'));
  }
  const books = input.kind === 'move' && input.to.stage > input.from.stage ? runbooks(input.from.stage, input.to.stage) : { steps: [], downtime: [] };

  const stacks: StackSummary[] = [...new Set([...stackOrder(after), ...Object.keys(before)])].map((stack) => {
    const own = steps.filter((s) => s.stack === stack);
    const status = diff.stacks.find((s) => s.stack === stack)!.status;
    return {
      stack,
      region: regions[stack],
      status,
      firstStep: own[0]?.index ?? null,
      lastStep: own[own.length - 1]?.index ?? null,
      ...(status === 'removed' ? { note: '`cdk deploy --all` does not delete a stack: it stays until `cdk destroy`' } : {}),
    };
  });

  return {
    kind: input.kind,
    from: { stage: input.from.stage, context: input.from.context },
    to: { stage: input.to.stage, context: input.to.context },
    usersEntry: usersEntry ?? null,
    newEntries: finalEntries.map((e) => ({ ...e, servingFromStep: firstServing.get(e.key) ?? steps.length })),
    stacks,
    steps,
    conflicts,
    windows,
    data: diff.data,
    brokenReferences: diff.brokenReferences,
    runbook: {
      dnsStep: books.steps.find((s) => s.section === 'step' && /\b(point|move)s? DNS\b/i.test(s.text)) ?? null,
      downtime: books.downtime,
      rehearsals: books.steps.filter((s) => s.section === 'step' && s.text.includes(`growth-stages rehearse ${input.from.stage} ${input.to.stage} -`)),
    },
    duration: { minSeconds: end.min, maxSeconds: end.max },
    verdict: { accepted: !conflicts.some((c) => c.severity !== 'notice'), serving: windows.length === 0 },
  };
}

/** Synthesizes (or reads from the cache) both sides and rehearses the deploy. */
export function rehearseStages(
  from: { stage: StageNumber; context?: Record<string, unknown> },
  to: { stage: StageNumber; context?: Record<string, unknown> },
  options: { region?: string; onProgress?: (stage: StageNumber, state: 'start' | 'done' | 'cached') => void } = {},
): Rehearsal {
  const [before, after] = [from, to].map((side) => {
    options.onProgress?.(side.stage, 'start');
    const result = synthesizeStage(side.stage, { context: side.context });
    options.onProgress?.(side.stage, result.cached ? 'cached' : 'done');
    return result.templates;
  });
  return rehearse({
    kind: from.stage === to.stage ? 'settings' : 'move',
    from: { stage: from.stage, context: from.context ?? {}, templates: before },
    to: { stage: to.stage, context: to.context ?? {}, templates: after },
    region: options.region,
  });
}

/** Users come in through the most preferred entry point that serves before the deploy. */
function chooseEntry(state: LiveState): EntryPoint | undefined {
  const entries = entryPoints(state);
  return entries.find((e) => serves(state, e).serving) ?? entries.sort((a, b) => ENTRY_PRIORITY.indexOf(a.kind) - ENTRY_PRIORITY.indexOf(b.kind))[0];
}

function window(start: { step: number; at: Clock; cause: string }, endStep: number | null, end: Clock, until: OutageWindow['until']): OutageWindow {
  const dns = until === 'dns-moves' ? DNS_MOVE.seconds : [0, 0];
  return {
    startStep: start.step,
    endStep,
    until,
    cause: start.cause,
    estimate: {
      minSeconds: Math.max(0, end.min - start.at.min) + dns[0],
      maxSeconds: Math.max(0, end.max - start.at.max) + dns[1],
      basis: `the typical durations of the operations in between (docs/rehearse.md)${until === 'dns-moves' ? ', to the end of the deploy, plus the DNS change and its TTL' : ''}`,
    },
  };
}

function describe(op: Op): string {
  return `${op.operation} ${op.type} ${op.stack}/${op.logicalId}`;
}

/** Regions of the stacks: from the references that name them, from a region suffix, or the default. */
function stackRegions(before: StageTemplates, after: StageTemplates, fallback: string): Record<string, string> {
  const regions: Record<string, string> = {};
  for (const t of [...Object.values(before), ...Object.values(after)]) {
    for (const ref of findKey(t, 'Fn::GetStackOutput') as Array<{ StackName: string; Region?: string }>) if (typeof ref.Region === 'string') regions[ref.StackName] = ref.Region;
  }
  for (const stack of new Set([...Object.keys(before), ...Object.keys(after)])) {
    regions[stack] ??= /-((?:[a-z]{2}-)?[a-z]{2,}-[a-z]+-\d)$/.exec(stack)?.[1] ?? fallback;
  }
  return regions;
}

/** diffStages refuses a stage with itself; a settings change compares the same stage under two configurations. */
function otherStage(stage: StageNumber): StageNumber {
  return (stage === 5 ? 4 : stage + 1) as StageNumber;
}
