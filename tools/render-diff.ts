/** Renders a stage diff for a terminal: one block per stack, then data, references and runbook. */
import { styleText } from 'util';
import { Migration } from './migration';
import { DATA_LOSS, DataFate, ResourceChange, stageLabel } from './stage-diff';

type Style = Parameters<typeof styleText>[0];

const FATE_ORDER: DataFate[] = ['deleted', 'replaced', 'may-be-replaced', 'snapshotted', 'retained', 'created', 'updated', 'kept'];

export function renderDiff(diff: Migration, color: boolean): string {
  const paint = (style: Style, text: string) => (color ? styleText(style, text) : text);
  const lines: string[] = [];
  lines.push(paint('bold', `Stage ${stageLabel(diff.from)} -> ${stageLabel(diff.to)} (${diff.direction})`));
  const lose = diff.data.filter((d) => DATA_LOSS.includes(d.fate));
  if (diff.direction === 'downgrade') {
    const removed = diff.data.filter((d) => d.fate === 'deleted' || d.fate === 'snapshotted' || d.fate === 'retained');
    const n = (fate: string) => removed.filter((d) => d.fate === fate).length;
    lines.push(paint('red', `WARNING: a downgrade is not a supported path; it removes ${count(removed.length, 'resource')} that hold data`
      + ` (${n('deleted')} deleted, ${n('snapshotted')} snapshotted, ${n('retained')} retained) and ${lose.length} in all lose data (listed under Data).`));
  }
  if (diff.downtime.length) {
    lines.push('', paint('bold', 'Expected downtime (as the runbooks state it)'));
    for (const d of diff.downtime) lines.push(`  ${d.migration}: ${d.text}`);
  }

  for (const s of diff.stacks) {
    lines.push('');
    const counts = `${s.added.length} added, ${s.updated.length} updated, ${s.replaced.length} replaced, ${s.removed.length} removed`;
    lines.push(`${paint('bold', s.stack)}  ${s.status}: ${counts}`);
    const row = (mark: string, style: Style, c: ResourceChange, note = '') =>
      lines.push(paint(style, `  ${mark} ${c.type} ${c.logicalId}${note}`));
    s.added.forEach((c) => row('+', 'green', c));
    s.updated.forEach((c) => row('~', 'yellow', c, `  (${c.properties!.join(', ') || 'metadata'})${c.interrupts!.length ? ' interrupts' : ''}`));
    s.replaced.forEach((c) => row('!', 'red', c, `  replaced (${c.properties!.join(', ')})`));
    s.removed.forEach((c) => row('-', 'red', c));
  }

  // What can lose data first, one line each; what is created or kept as counts by type.
  lines.push('', paint('bold', 'Data'));
  const data = [...diff.data].sort((a, b) => FATE_ORDER.indexOf(a.fate) - FATE_ORDER.indexOf(b.fate) || a.logicalId.localeCompare(b.logicalId));
  for (const d of data.filter((x) => x.fate !== 'created' && x.fate !== 'kept')) {
    lines.push(paint(DATA_LOSS.includes(d.fate) ? 'red' : 'reset', `  ${d.fate.padEnd(15)} ${d.type} ${d.stack}/${d.logicalId}`));
  }
  for (const fate of ['created', 'kept'] as const) {
    const byType = new Map<string, number>();
    for (const d of data.filter((x) => x.fate === fate)) byType.set(d.type, (byType.get(d.type) ?? 0) + 1);
    if (byType.size) lines.push(paint('dim', `  ${fate.padEnd(15)} ${[...byType].map(([type, n]) => `${n} ${type}`).join(', ')}`));
  }
  lines.push(lose.length
    ? paint('red', `  ${count(lose.length, 'resource')} lose data`)
    : paint('green', '  no resource that holds data is replaced or deleted without a snapshot'));

  lines.push('', paint('bold', 'Cross-stack references'));
  if (!diff.brokenReferences.length) lines.push(paint('green', '  none broken'));
  for (const r of diff.brokenReferences) {
    lines.push(paint('red', `  ${r.kind}: ${r.consumer} reads ${r.name} from ${r.producer}, which the new stage no longer publishes`));
  }
  if (diff.brokenReferences.length) {
    lines.push(`  ${Math.abs(diff.to - diff.from) > 1
      ? `The stages in between keep these values published: deploy one stage at a time (${stagesBetween(diff.from, diff.to)}), each with its runbook.`
      : 'CloudFormation would refuse the update (deadlock) or could not roll it back (stranded): do not deploy; this is a defect of the stage, please report it.'}`);
  }

  if (diff.runbook.length) {
    lines.push('', paint('bold', 'Runbook: pre-checks, then steps'));
    let heading = '';
    for (const step of diff.runbook) {
      const next = `${step.migration} ${step.section === 'pre-check' ? 'pre-checks' : 'steps'} (${step.file})`;
      if (next !== heading) {
        heading = next;
        lines.push(`  ${heading}`);
      }
      lines.push(`    ${step.number}. ${step.text}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** `1 resource`, `2 resources`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `growth-stages diff 1 2`, `growth-stages diff 2 3`, ... for each step of a jump. */
function stagesBetween(from: number, to: number): string {
  const step = to > from ? 1 : -1;
  const moves: string[] = [];
  for (let n = from; n !== to; n += step) moves.push(`growth-stages diff ${n} ${n + step}`);
  return moves.join(', then ');
}
