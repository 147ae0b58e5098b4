/** The context of cdk.json: the configuration both engines use without `-c` flags. Engine-free. */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, GrowthConfig, parseConfig } from './config';
import { checkContextKeys } from './context-keys';
import { StageNumber } from './stages';

const CDK_JSON = path.join(__dirname, '..', 'cdk.json');

/**
 * cdk.json's `context` object.
 * @throws ConfigError, one line, when the file is not JSON or its `context` is not an object
 */
export function projectContext(file = CDK_JSON): Record<string, unknown> {
  const fail = (problem: string) => {
    const error = new ConfigError('context', undefined, 'a JSON object whose "context" is an object of keys and values');
    error.message = `${path.basename(file)}: ${problem}; accepted: ${error.accepted}`;
    return error;
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw fail(error instanceof SyntaxError ? `not valid JSON (${error.message})` : `cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  const context = (parsed as { context?: unknown } | null)?.context;
  if (context === undefined) return {};
  if (typeof context !== 'object' || context === null || Array.isArray(context)) throw fail(`"context" is ${JSON.stringify(context)}`);
  return context as Record<string, unknown>;
}

/**
 * The configuration a command builds `stage` with: `project` (cdk.json's context) under `user`
 * (`-c`), checked the way the CDK and Terraform apps check it. cdk.json's own `stage`, which the
 * command's argument replaces, is checked too (an empty one is refused as `-c stage=` is).
 * @param scope what a refusal of a value is about (`stage 5`: a value can suit one stage and not
 *   the next), or '' for a command of every stage; unknown keys and empty values have no scope
 * @param set `rehearse --set` values, over `user`'s
 * @throws ConfigError whose one line says where the value came from (`--set`, `-c` or cdk.json) and the scope
 */
export function commandConfig(project: Record<string, unknown>, user: Record<string, string>, stage: StageNumber, scope = `stage ${stage}`,
  set: Record<string, string> = {}): { context: Record<string, unknown>; config: GrowthConfig } {
  const located = (error: unknown, about: string) => {
    if (!(error instanceof ConfigError)) return error;
    const source = error.key in set ? '--set' : error.key in user ? '-c' : error.key in project ? 'cdk.json' : undefined;
    const where = [source, error.key === 'stage' ? undefined : about].filter(Boolean).join(', ');
    if (where) error.message = `${where}: ${error.message}`;
    return error;
  };
  try {
    checkContextKeys({ ...project, ...user, ...set });
  } catch (error) {
    throw located(error, '');
  }
  const context: Record<string, unknown> = { ...project, ...user, ...set, stage };
  try {
    parseConfig((key) => (key === 'stage' ? project.stage : undefined));
    return { context, config: parseConfig((key) => context[key]) };
  } catch (error) {
    throw located(error, scope);
  }
}
