/**
 * The renderers of both engines read a stage's recipe (core/stages.ts), not its number: a changed
 * recipe changes both renderings, and a move-up signal no component measures stops the synth.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Testing, TerraformStack } from 'cdktf';
import { GrowthConfig, parseConfig } from '../../core/config';
import { stackName } from '../../core/naming';
import { projectContext } from '../../core/project-context';
import { recipeProblems, StageRecipe, STAGES } from '../../core/stages';
import { buildStage } from '../../stages';
import { terraformStageBuilder } from '../../terraform/stages';

/** Stage `stage`'s configuration with its definition changed by `change`. */
function configWith(stage: number, change: (s: GrowthConfig['stage']) => Partial<GrowthConfig['stage']>): GrowthConfig {
  const context: Record<string, unknown> = { ...projectContext(), stage };
  const config = parseConfig((key) => context[key]);
  return { ...config, stage: { ...config.stage, ...change(config.stage) } };
}

const withRecipe = (stage: number, recipe: Partial<StageRecipe>) => configWith(stage, (s) => ({ recipe: { ...s.recipe, ...recipe } }));

/** The template of one stack of `config`'s stage (the bundled validator off: the stage tests run it). */
function cdkTemplate(config: GrowthConfig, stack: string): Template {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-recipes-'));
  const app = new App({ outdir, context: { ...projectContext(), stage: config.stage.number } });
  const validation = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    buildStage(app, config);
    return Template.fromStack(app.node.children.find((c): c is Stack => c instanceof Stack && c.stackName === stack)!);
  } finally {
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function terraformResources(config: GrowthConfig, stack: string, type: string): Record<string, unknown> {
  const app = Testing.app();
  terraformStageBuilder(config)(app);
  const tfStack = app.node.children.find((c) => c instanceof TerraformStack && c.node.id === stack) as TerraformStack;
  return JSON.parse(Testing.synth(tfStack)).resource?.[type] ?? {};
}

test('Aurora readers come from the recipe in both engines', () => {
  const config = withRecipe(2, { auroraReaders: 2 });
  const data = stackName(config.appName, 'data');
  const writerAndReaders = 3;
  expect(Object.keys(cdkTemplate(config, data).findResources('AWS::RDS::DBInstance'))).toHaveLength(writerAndReaders);
  expect(Object.keys(terraformResources(config, data, 'aws_rds_cluster_instance'))).toHaveLength(writerAndReaders);
});

test.each([
  ['CloudFormation', (config: GrowthConfig) => buildStage(new App({ context: { ...projectContext(), stage: config.stage.number } }), config)],
  ['Terraform', (config: GrowthConfig) => terraformStageBuilder(config)(Testing.app())],
])('%s: a move-up signal that no component of the recipe measures stops the synth, naming it', (_, render) => {
  const stage4 = STAGES[3];
  const config = configWith(4, (s) => ({ moveUpAlarms: [...s.moveUpAlarms, { ...STAGES[0].moveUpAlarms[0] }] }));
  expect(STAGES[0].moveUpAlarms[0].signal).toBe('cpu'); // the box's: stage 4 has no box
  expect(() => render(config)).toThrow(`stage ${stage4.name} defines move-up signals its components cannot measure: cpu`);
});

test('a recipe the renderers cannot build is refused with what it lacks; the ladder\'s are whole', () => {
  expect(STAGES.flatMap((s) => recipeProblems(s.recipe))).toEqual([]);
  expect(recipeProblems({ serving: 'box' })).toEqual([expect.stringContaining('serving "box" needs dataVolume')]);
  expect(recipeProblems({ serving: 'load-balancer', dataVolume: true })).toEqual([expect.stringContaining('needs auroraReaders')]);
  expect(recipeProblems({ serving: 'load-balancer', auroraReaders: 1, secondRegion: true })).toEqual([expect.stringContaining('secondRegion needs serving "cloudfront"')]);
  expect(recipeProblems({ serving: 'cloudfront', auroraReaders: 1, keepsPublished: 'data-volume' })).toEqual([expect.stringContaining('keepsPublished "data-volume"')]);
});
