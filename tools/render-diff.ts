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
  if (diff.direction === 'downgrade') {
    const destroyed = diff.data.filter((d) => d.fate === 'deleted' || d.fate === 'snapshotted');
    lines.push(paint('red', `WARNING: a downgrade is not a supported path; it removes ${destroyed.length} resource(s) that hold data (listed under Data).`));
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

  lines.push('', paint('bold', 'Data'));
  const data = [...diff.data].sort((a, b) => FATE_ORDER.indexOf(a.fate) - FATE_ORDER.indexOf(b.fate) || a.logicalId.localeCompare(b.logicalId));
  for (const d of data) {
    const style: Style = DATA_LOSS.includes(d.fate) ? 'red' : d.fate === 'kept' ? 'dim' : 'reset';
    lines.push(paint(style, `  ${d.fate.padEnd(15)} ${d.type} ${d.stack}/${d.logicalId}`));
  }
  const atRisk = diff.data.filter((d) => DATA_LOSS.includes(d.fate));
  lines.push(atRisk.length
    ? paint('red', `  ${atRisk.length} resource(s) lose data`)
    : paint('green', '  no resource that holds data is replaced or deleted without a snapshot'));

  lines.push('', paint('bold', 'Cross-stack references'));
  if (!diff.brokenReferences.length) lines.push(paint('green', '  none broken'));
  for (const r of diff.brokenReferences) {
    lines.push(paint('red', `  ${r.kind}: ${r.consumer} reads ${r.name} from ${r.producer}, which the new stage no longer publishes`));
  }

  if (diff.runbook.length) {
    lines.push('', paint('bold', 'Runbook'));
    let file = '';
    for (const step of diff.runbook) {
      if (step.file !== file) {
        file = step.file;
        lines.push(`  ${step.migration} (${file})`);
      }
      lines.push(`    ${step.number}. ${step.text}`);
    }
  }
  return lines.join('\n') + '\n';
}
