#!/usr/bin/env node
/**
 * The CDK app: reads the configuration from context, refuses a bad value before anything is
 * synthesized (one line, exit 2, nothing written), then builds the chosen stage.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, parseConfig } from '../core/config';
import { buildStage } from '../stages';

const app = new App();
try {
  const config = parseConfig((key) => app.node.tryGetContext(key));
  buildStage(app, config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`growth-stages: ${error.message}\n`);
  process.exit(2);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
