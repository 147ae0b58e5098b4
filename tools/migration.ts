/**
 * The migration from one stage to another: both stages synthesized (from the cache when the
 * code is unchanged), their diff, and the runbook steps of every upgrade in between.
 */
import { StageNumber } from '../core/stages';
import { RunbookDowntime, runbooks, RunbookStep } from './runbooks';
import { diffStages, StageDiff } from './stage-diff';
import { synthesizeStage, SynthOptions } from './synth-cache';

export interface Migration extends StageDiff {
  /** Pre-checks and steps of every runbook between the two stages, in order; empty for a downgrade. */
  readonly runbook: RunbookStep[];
  /** The downtime each of those runbooks states; empty for a downgrade. */
  readonly downtime: RunbookDowntime[];
}

export interface MigrationOptions extends SynthOptions {
  /** Called before and after each stage is synthesized. */
  readonly onProgress?: (stage: StageNumber, state: 'start' | 'done' | 'cached') => void;
}

export function migration(from: StageNumber, to: StageNumber, options: MigrationOptions = {}): Migration {
  const [before, after] = [from, to].map((stage) => {
    options.onProgress?.(stage, 'start');
    const result = synthesizeStage(stage, options);
    options.onProgress?.(stage, result.cached ? 'cached' : 'done');
    return result.templates;
  });
  const books = to > from ? runbooks(from, to) : { steps: [], downtime: [] };
  return { ...diffStages(from, to, before, after), runbook: books.steps, downtime: books.downtime };
}
