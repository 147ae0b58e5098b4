/**
 * What the diff command shows of the migration runbooks in docs/migrations/: each file's stated
 * downtime (its "**Expected downtime.**" paragraph), then the numbered items of its "## Pre-checks"
 * and "## Steps" sections, in order. The files are the full story.
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
  /** `pre-check`: before the first deploy; `step`: the move itself. */
  readonly section: 'pre-check' | 'step';
  /** 1-based position in its section. */
  readonly number: number;
  readonly text: string;
}

export interface RunbookDowntime {
  readonly migration: string;
  readonly file: string;
  /** The runbook's "Expected downtime" paragraph, on one line. */
  readonly text: string;
}

export interface Runbooks {
  /** Pre-checks then steps of every runbook, runbook by runbook. */
  readonly steps: RunbookStep[];
  /** The stated downtime of every runbook, in order. */
  readonly downtime: RunbookDowntime[];
}

/** The consecutive runbooks from `from` up to `to`, in order. */
export function runbooks(from: StageNumber, to: StageNumber): Runbooks {
  const steps: RunbookStep[] = [];
  const downtime: RunbookDowntime[] = [];
  for (let n = from; n < to; n++) {
    const migration = `${n}-to-${n + 1}`;
    const full = path.join(DOCS, `${migration}.md`);
    if (!fs.existsSync(full)) throw new Error(`no runbook for the upgrade from stage ${n} to ${n + 1}: ${full}`);
    const markdown = fs.readFileSync(full, 'utf8');
    const file = path.relative(path.join(DOCS, '..', '..'), full);
    downtime.push({ migration, file, text: parseDowntime(markdown) });
    parseSection(markdown, 'Pre-checks').forEach((text, i) => steps.push({ migration, file, section: 'pre-check', number: i + 1, text }));
    parseSection(markdown, 'Steps').forEach((text, i) => steps.push({ migration, file, section: 'step', number: i + 1, text }));
  }
  return { steps, downtime };
}

/**
 * Numbered items of a "## <heading>" section, each with its indented continuation lines joined
 * into one line, without bold markers.
 */
export function parseSection(markdown: string, heading: 'Pre-checks' | 'Steps'): string[] {
  const section = new RegExp(`^## ${heading}\\s*$([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(markdown);
  if (!section) throw new Error(`runbook has no "## ${heading}" section`);
  const items: string[] = [];
  for (const line of section[1].split('\n')) {
    const item = /^\d+\.\s+(.+)$/.exec(line);
    if (item) items.push(item[1]);
    else if (items.length && /^\s{2,}\S/.test(line) && !/^\s*```/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
  }
  return items.map((text) => text.replace(/\*\*/g, '').trim());
}

/** The "**Expected downtime.**" paragraph, joined into one line. */
export function parseDowntime(markdown: string): string {
  const paragraph = /^\*\*Expected downtime\.\*\*\s*([\s\S]*?)(?:\n\s*\n|(?![\s\S]))/m.exec(markdown);
  if (!paragraph) throw new Error('runbook has no "**Expected downtime.**" paragraph');
  return paragraph[1].replace(/\s+/g, ' ').replace(/\*\*/g, '').trim();
}
