import { App } from 'aws-cdk-lib';
import { ConfigError, GrowthConfig } from '../core/config';
import { StageNumber, STAGES } from '../core/stages';
import { Foundation } from './components';
import { singleBoxStage } from './single-box';
import { splitDbStage } from './split-db';
import { loadBalancedStage } from './load-balanced';
import { cacheCdnStage } from './cache-cdn';
import { multiRegionStage } from './multi-region';

const BUILDERS: Record<StageNumber, ((app: App, config: GrowthConfig) => Foundation) | undefined> = {
  1: singleBoxStage,
  2: splitDbStage,
  3: loadBalancedStage,
  4: cacheCdnStage,
  5: multiRegionStage,
};

/** Stage numbers that can be built, in ladder order. */
export const BUILT_STAGES = (Object.keys(BUILDERS).map(Number) as StageNumber[]).filter((n) => BUILDERS[n]);

/** Builds the configured stage into `app`. */
export function buildStage(app: App, config: GrowthConfig): Foundation {
  const build = BUILDERS[config.stage.number];
  if (!build) {
    throw new ConfigError('stage', config.stage.name, `a stage built in this version: ${BUILT_STAGES.map((n) => STAGES[n - 1].name).join(', ')} (or their numbers)`);
  }
  return build(app, config);
}
