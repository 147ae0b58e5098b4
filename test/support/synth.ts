/**
 * Synthesizes a stage the way `cdk synth` does (the context of cdk.json, cdk-nag and the bundled
 * CloudFormation validator as plugins) into a temporary directory, and returns its templates and
 * validation report. Each call is a full synth: share one per stage across a file (`beforeAll`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseConfig } from '../../core/config';
import { buildStage } from '../../stages';
import { projectContext } from '../../core/project-context';
import { sourceCache } from '../../core/source-cache';
import { SOURCES } from '../../tools/synth-cache';

const ROOT = path.join(__dirname, '..', '..');
const cache = sourceCache(ROOT, path.join(ROOT, '.cache', 'test-synth'), [...SOURCES, 'test/support']);

// The bundled validator keeps ~350 MB of WASM memory outside the JS heap, which jest's
// workerIdleMemoryLimit cannot see: release it when the test file is done.
afterAll(() => (CloudFormationValidatePlugin as unknown as { _disposeSingleton?: () => void })._disposeSingleton?.());

export interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties?: any; DeletionPolicy?: string; UpdateReplacePolicy?: string; [k: string]: any }>;
  Outputs?: Record<string, { Value: unknown }>;
  [k: string]: any;
}

export interface Violation {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly resources: string[];
  readonly description: string;
}

export interface SynthesizedStage {
  /** Templates by stack name. */
  readonly templates: Record<string, CfnTemplate>;
  /** `Template` for assertions, by stack name. */
  template(stackName: string): Template;
  /** Termination protection of each stack, by stack name (from the cloud assembly manifest). */
  readonly terminationProtection: Record<string, boolean>;
  /** Unacknowledged findings of every validation plugin. */
  readonly violations: Violation[];
  /** Names of the plugins that ran. */
  readonly plugins: string[];
}

/** Context for tests: cdk.json plus `overrides`. */
export function testContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...projectContext(), ...overrides };
}

/**
 * The stage synthesized with cdk-nag and the validator, from `.cache/test-synth/` when the code,
 * the lockfile (library versions), this support code and the context are unchanged: a warm
 * `npm test` synthesizes nothing. Any change to what shapes the output changes the key.
 */
export function synthStage(stage: number | string, overrides: Record<string, unknown> = {}): SynthesizedStage {
  const context = { stage, ...overrides };
  // The validator runs unless CDK_VALIDATION=false: its report is part of what is cached.
  const cached = cache.get([testContext(context), process.env.CDK_VALIDATION ?? ''], (): Omit<SynthesizedStage, 'template'> => {
    const { template: _, ...result } = synthApp((app) => buildStage(app, parseConfig((k) => app.node.tryGetContext(k))), context);
    return result;
  }).value;
  return { ...cached, template: (name) => Template.fromJSON(cached.templates[name]) };
}

/** Builds an app with `build`, then synthesizes it with cdk-nag and the bundled validator. */
export function synthApp(build: (app: App) => void, context: Record<string, unknown> = {}): SynthesizedStage {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-test-'));
  const app = new App({ outdir, context: testContext(context) });
  build(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (error) {
    // A finding of severity error stops synthesis after the report is written: return the report
    // so the test names the finding instead of failing on the exception.
    if (!String(error).includes('ValidationFailed')) throw error;
  }
  const templates: Record<string, CfnTemplate> = {};
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'))) {
    templates[file.replace(/\.template\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(outdir, file), 'utf8'));
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const terminationProtection: Record<string, boolean> = {};
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack') {
      terminationProtection[artifact.properties.stackName ?? id] = artifact.properties.terminationProtection === true;
    }
  }
  const reportFile = path.join(outdir, 'validation-report.json');
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
  const violations: Violation[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const v of plugin.violations ?? []) {
      violations.push({
        plugin: plugin.pluginName,
        rule: v.ruleName,
        severity: v.severity,
        description: v.description,
        resources: (v.violatingConstructs ?? v.violatingResources ?? []).map((r: any) => r.constructPath ?? r.resourceLogicalId),
      });
    }
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return {
    templates,
    terminationProtection,
    template: (name) => Template.fromJSON(templates[name]),
    violations,
    plugins: (report.pluginReports ?? []).map((p: any) => p.pluginName),
  };
}
