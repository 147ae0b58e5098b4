/**
 * Synthesizes a stage in-process and keeps its templates in `.cache/synth/`, keyed by a hash of
 * the code and configuration that shape them, so a second diff of unchanged code costs no synth.
 * Skips the bundled validator: a diff reads templates, it does not vouch for them (tests do).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { parseConfig } from '../core/config';
import { hashFiles } from '../core/hash-files';
import { projectContext } from '../core/project-context';
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
  /** Where cached templates live. @default <project>/.cache/synth */
  readonly cacheDir?: string;
}

export interface SynthResult {
  readonly templates: StageTemplates;
  readonly cached: boolean;
}


/** The sources as this process loaded the stage code (with this module). */
const LOADED = hashFiles(ROOT, SOURCES);

export function synthesizeStage(stage: StageNumber, options: SynthOptions = {}): SynthResult {
  const context = { ...projectContext(), ...options.context, stage };
  const cacheDir = options.cacheDir ?? path.join(ROOT, '.cache', 'synth');
  // Sources edited since this process loaded its modules: what it synthesizes is the old code's,
  // so it neither reads nor writes the cache.
  const sources = hashFiles(ROOT, SOURCES);
  const unchanged = sources === LOADED;
  const file = path.join(cacheDir, `${createHash('sha256').update(sources).update(JSON.stringify(context)).digest('hex').slice(0, 32)}.json`);
  if (unchanged && fs.existsSync(file)) return { templates: JSON.parse(fs.readFileSync(file, 'utf8')), cached: true };

  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-synth-'));
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = new App({ outdir, context });
    buildStage(app, parseConfig((key) => app.node.tryGetContext(key)));
    const templates: StageTemplates = {};
    for (const artifact of app.synth().stacks) templates[artifact.stackName] = artifact.template;
    if (unchanged) {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Written whole, then renamed: a concurrent reader (another jest worker) never sees half a file.
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, JSON.stringify(templates));
      fs.renameSync(partial, file);
    }
    return { templates, cached: false };
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
