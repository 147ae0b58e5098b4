/** Renders a rehearsal for a terminal: a timeline stack by stack, windows and conflicts marked where they start and end. */
import { styleText } from 'util';
import { STAGES } from '../../core/stages';
import { DATA_LOSS } from '../stage-diff';
import { Conflict, OutageWindow, Rehearsal, Step } from './rehearse';

type Style = Parameters<typeof styleText>[0];

const MARKS: Record<Step['operation'], string> = { create: '+', update: '~', replace: '!', delete: '-', 'delete-old': '-' };

/** `12 min`, `45 s`. */
export function minutes(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  return `${String(m).padStart(3)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
}

export function windowText(w: OutageWindow): string {
  const range = `${minutes(w.estimate.minSeconds)} to ${minutes(w.estimate.maxSeconds)}`;
  const until = w.until === 'step' ? `until step ${w.endStep}` : w.until === 'dns-moves' ? 'until DNS moves' : 'not restored by the deploy';
  return `OUTAGE from step ${w.startStep} ${until} (about ${range}): ${w.cause}`;
}

export function conflictText(c: Conflict): string {
  const span = c.endStep === null ? `from step ${c.startStep}` : `steps ${c.startStep}-${c.endStep}`;
  const verb = c.severity === 'refused' ? 'AWS REFUSES' : c.severity === 'design' ? 'DESIGN CONFLICT' : 'note';
  return `${verb} (${c.rule}, ${span}): ${c.detail} [${c.source}]`;
}

export function renderRehearsal(r: Rehearsal, color: boolean): string {
  const paint = (style: Style, text: string) => (color ? styleText(style, text) : text);
  const label = (n: number) => `${n} ${STAGES[n - 1].name}`;
  const settings = Object.entries(r.to.context).filter(([k, v]) => r.from.context[k] !== v).map(([k, v]) => `${k}=${v}`);
  const lines: string[] = [];
  lines.push(paint('bold', r.kind === 'move'
    ? `Rehearsal of stage ${label(r.from.stage)} -> ${label(r.to.stage)}: cdk deploy --all, in CloudFormation's order`
    : `Rehearsal of a settings change at stage ${label(r.from.stage)} (${settings.join(', ')}): cdk deploy --all, in CloudFormation's order`));
  if (r.kind === 'move' && r.to.stage < r.from.stage) {
    lines.push(paint('red', 'WARNING: a downgrade is not a supported path (see `growth-stages diff`); what it removes is listed under Data.'));
  }
  lines.push(`Users come in through ${r.usersEntry ? `${r.usersEntry.key} (${r.usersEntry.kind})` : 'nothing: the old stage serves nobody'}.`);
  lines.push(`The deploy takes about ${minutes(r.duration.minSeconds)} to ${minutes(r.duration.maxSeconds)}; times below are the typical estimate (mm:ss).`);

  const startsAt = new Map<number, string[]>();
  const mark = (step: number, text: string) => startsAt.set(step, [...(startsAt.get(step) ?? []), text]);
  for (const w of r.windows) {
    mark(w.startStep, paint('red', `  >>> ${windowText(w)}`));
    if (w.endStep !== null) mark(w.endStep, paint('green', `  <<< served again (window from step ${w.startStep} ends)`));
  }
  for (const c of r.conflicts) {
    mark(c.startStep, paint(c.severity === 'notice' ? 'yellow' : 'red', `  >>> ${conflictText(c)}`));
    if (c.endStep !== null && c.severity !== 'notice') mark(c.endStep, paint('green', `  <<< ${c.rule} resolved`));
  }
  for (const e of r.newEntries) mark(e.servingFromStep, paint('cyan', `  *** new entry point ${e.key} (${e.kind}) serves from here; users reach it once DNS points at it`));

  (startsAt.get(0) ?? []).forEach((l) => lines.push(l));
  for (const stack of r.stacks) {
    lines.push('');
    const where = stack.firstStep === null ? 'no change' : `steps ${stack.firstStep}-${stack.lastStep}`;
    lines.push(`${paint('bold', stack.stack)} (${stack.region})  ${stack.status}: ${where}${stack.note ? `; ${stack.note}` : ''}`);
    let phase = '';
    for (const step of r.steps.filter((s) => s.stack === stack.stack)) {
      if (step.phase !== phase) {
        phase = step.phase;
        lines.push(paint('dim', `  ${phase === 'update' ? 'update phase' : 'cleanup phase'}`));
      }
      const what = step.event === 'start' ? 'begins (interrupts)' : step.operation === 'replace' ? 'replacement created'
        : step.operation === 'delete-old' ? 'old resource deleted' : step.operation === 'delete' && step.retained ? 'retained (leaves the stack)' : `${step.operation}d`.replace('eed', 'ed');
      const state = step.serving ? ' ' : paint('red', 'x');
      lines.push(`  ${state} ${String(step.index).padStart(3)} ${clock(step.at.typical)}  ${MARKS[step.operation]} ${step.type} ${step.logicalId}  ${paint('dim', what)}`);
      (startsAt.get(step.index) ?? []).forEach((l) => lines.push(`   ${l}`));
    }
  }

  lines.push('', paint('bold', 'Outage windows'));
  if (!r.windows.length) lines.push(paint('green', `  none: users are served through ${r.usersEntry?.key ?? 'the entry point'} at every step`));
  for (const w of r.windows) lines.push(paint('red', `  ${windowText(w)}`));
  // The templates see the deploy, not the work the instances do after it (a data copy, DNS).
  if (r.windows.length) lines.push('  Estimates cover the deploy only; add what the runbook does around it (below).');
  if (r.windows.some((w) => w.until === 'dns-moves')) {
    lines.push(`  DNS is yours to move: ${r.runbook.dnsStep ? `the runbook does it at step ${r.runbook.dnsStep.number} of ${r.runbook.dnsStep.file} ("${r.runbook.dnsStep.text}")` : 'no runbook step moves it for this change'}.`);
  }
  for (const d of r.runbook.downtime) lines.push(paint('dim', `  runbook ${d.migration} states: ${d.text}`));

  lines.push('', paint('bold', 'Conflicts'));
  if (!r.conflicts.length) lines.push(paint('green', '  none: AWS accepts every step'));
  for (const c of r.conflicts) lines.push(paint(c.severity === 'notice' ? 'yellow' : 'red', `  ${conflictText(c)}`));
  if (r.conflicts.some((c) => c.resources.some((name) => name.endsWith("'")))) {
    lines.push(paint('dim', "  (a name ending in ' is the new resource a replacement creates while the old one still exists)"));
  }

  lines.push('', paint('bold', 'Data (as `growth-stages diff` classifies it)'));
  const lose = r.data.filter((d) => DATA_LOSS.includes(d.fate));
  for (const d of r.data.filter((x) => x.fate !== 'created' && x.fate !== 'kept')) {
    lines.push(paint(DATA_LOSS.includes(d.fate) ? 'red' : 'reset', `  ${d.fate.padEnd(15)} ${d.type} ${d.stack}/${d.logicalId}`));
  }
  lines.push(lose.length ? paint('red', `  ${lose.length} resource${lose.length === 1 ? '' : 's'} lose data`) : paint('green', '  no resource that holds data is replaced or deleted without a snapshot'));

  lines.push('');
  const ok = r.verdict.accepted && r.verdict.serving;
  lines.push(paint(ok ? 'green' : 'red', ok
    ? 'Rehearsed clean: AWS accepts every step and users are served throughout.'
    : `Not clean: ${[!r.verdict.accepted && 'AWS would refuse a step', !r.verdict.serving && `${r.windows.length} outage window(s)`].filter(Boolean).join('; ')}.`));
  // A two-deploy move: say how the runbook's first deploy is rehearsed.
  for (const step of ok ? [] : r.runbook.rehearsals) {
    const command = /`(npx growth-stages rehearse [^`]+)`/.exec(step.text)?.[1];
    if (command) lines.push(`The runbook makes this move in more than one deploy: step ${step.number} of ${step.file} rehearses \`${command}\`.`);
  }
  return lines.join('\n') + '\n';
}
