#!/usr/bin/env node
/**
 * The CDK app: reads the configuration from context, refuses an unknown key or a bad value before
 * anything is synthesized (one line, exit 2, nothing written; the CDK CLI then adds a line of its
 * own and exits 1), warns about keys without effect at this stage, then builds the chosen stage. The validator
 * bundled with aws-cdk-lib runs on every synth; cdk-nag runs in `npm test` and, with
 * `-c nag=true`, here too (it adds about half a second); AWS Control Tower's proactive controls
 * run with `-c controls=true` (meant with `-c hardening=strict`: docs/hardening.md).
 */
import { App, Validations } from 'aws-cdk-lib';
import { ConfigError, parseConfig } from '../core/config';
import { checkContextKeys, inactiveKeyWarnings } from '../core/context-keys';
import { buildStage } from '../stages';

const app = new App();
try {
  const context = app.node.getAllContext() as Record<string, unknown>;
  checkContextKeys(context);
  const config = parseConfig((key) => context[key]);
  for (const warning of inactiveKeyWarnings(context, [config.stage.number])) process.stderr.write(`growth-stages: warning: ${warning}\n`);
  buildStage(app, config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`growth-stages: ${error.message}\n`);
  process.exit(2);
}
if (String(app.node.tryGetContext('nag')) === 'true') {
  // Loaded only when asked for: the import alone costs 0.15 s of every synth.
  const { AwsSolutionsChecks } = require('cdk-nag') as typeof import('cdk-nag');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
if (String(app.node.tryGetContext('controls')) === 'true') {
  // AWS Control Tower's proactive controls (docs/hardening.md); loaded only when asked for.
  const { controlTowerValidator } = require('../stages/controls') as typeof import('../stages/controls');
  Validations.of(app).addPlugins(controlTowerValidator());
}
app.synth();
