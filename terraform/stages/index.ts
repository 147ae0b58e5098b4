/**
 * The stages as Terraform (CDK for Terraform): the same stacks, components, sizing and security
 * properties as the CloudFormation stages, from the same engine-free modules (core/: ladder,
 * configuration, names, subnet plan; lib/boot/boot-script.ts: the instances' boot script). One
 * recipe a stage; place/ fixes each component's stack and ID.
 */
import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import { StageNumber } from '../../core/stages';
import { cacheCdnStage } from './cache-cdn';
import { loadBalancedStage } from './load-balanced';
import { multiRegionStage } from './multi-region';
import { singleBoxStage } from './single-box';
import { splitDbStage } from './split-db';

const BUILDERS: Record<StageNumber, (app: App, config: GrowthConfig) => void> = {
  1: singleBoxStage,
  2: splitDbStage,
  3: loadBalancedStage,
  4: cacheCdnStage,
  5: multiRegionStage,
};

/** The builder of the configured stage. */
export function terraformStageBuilder(config: GrowthConfig): (app: App) => void {
  return (app) => BUILDERS[config.stage.number](app, config);
}
