/**
 * Synthesizes a stage in-process and keeps its templates in `.cache/synth/` (core/source-cache),
 * keyed by a hash of the code and configuration that shape them, so a second diff of unchanged
 * code costs no synth.
 * Skips the bundled validator: a diff reads templates, it does not vouch for them (tests do).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { parseConfig } from '../core/config';
import { projectContext } from '../core/project-context';
import { sourceCache } from '../core/source-cache';
import { StageNumber } from '../core/stages';
import { buildStage } from '../stages';

export const ROOT = path.join(__dirname, '..');
/** Everything that shapes a template, the app included: its bundle's hash is in the user data. */
export const SOURCES = ['app', 'bin', 'core', 'lib', 'stages', 'tools', 'cdk.json', 'package-lock.json'];

/** Templates by stack name. */
export type StageTemplates = Record<string, any>;

export interface SynthOptions {
  /** Context on top of cdk.json's. */
  readonly context?: Record<string, unknown>;
}

export interface SynthResult {
  readonly templates: StageTemplates;
  readonly cached: boolean;
}

const cache = sourceCache(ROOT, path.join(ROOT, '.cache', 'synth'), SOURCES);

export function synthesizeStage(stage: StageNumber, options: SynthOptions = {}): SynthResult {
  const context = { ...projectContext(), ...options.context, stage };
  const { value, cached } = cache.get(context, () => synthesize(context));
  return { templates: value, cached };
}

function synthesize(context: Record<string, unknown>): StageTemplates {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-synth-'));
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = new App({ outdir, context });
    buildStage(app, parseConfig((key) => app.node.tryGetContext(key)));
    const templates: StageTemplates = {};
    for (const artifact of app.synth().stacks) templates[artifact.stackName] = artifact.template;
    return templates;
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
