/**
 * The ordered steps of the migration runbooks in docs/migrations/: the numbered items of each
 * file's "## Steps" section. The files are the full story; the diff command shows these lines.
 */
import * as fs from 'fs';
import * as path from 'path';
import { StageNumber } from '../core/stages';

const DOCS = path.join(__dirname, '..', 'docs', 'migrations');

export interface RunbookStep {
  /** The upgrade the step belongs to, like `1-to-2`. */
  readonly migration: string;
  /** Runbook file, relative to the project. */
  readonly file: string;
  /** 1-based position in that runbook. */
  readonly number: number;
  readonly text: string;
}

/** Steps of every consecutive runbook from `from` up to `to`, in order. */
export function runbookSteps(from: StageNumber, to: StageNumber): RunbookStep[] {
  const steps: RunbookStep[] = [];
  for (let n = from; n < to; n++) {
    const migration = `${n}-to-${n + 1}`;
    const file = path.join(DOCS, `${migration}.md`);
    if (!fs.existsSync(file)) throw new Error(`no runbook for the upgrade from stage ${n} to ${n + 1}: ${file}`);
    parseSteps(fs.readFileSync(file, 'utf8')).forEach((text, i) => steps.push({
      migration, file: path.relative(path.join(DOCS, '..', '..'), file), number: i + 1, text,
    }));
  }
  return steps;
}

/** Numbered items of the "## Steps" section, one line each, without bold markers. */
export function parseSteps(markdown: string): string[] {
  const section = /^## Steps\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown);
  if (!section) throw new Error('runbook has no "## Steps" section');
  return [...section[1].matchAll(/^\d+\.\s+(.+)$/gm)].map((m) => m[1].replace(/\*\*/g, '').trim());
}
