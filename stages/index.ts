import { App } from 'aws-cdk-lib';
import { GrowthConfig } from '../core/config';
import { StageNumber } from '../core/stages';
import { cacheCdnStage } from './cache-cdn';
import { Foundation } from './place';
import { loadBalancedStage } from './load-balanced';
import { multiRegionStage } from './multi-region';
import { singleBoxStage } from './single-box';
import { splitDbStage } from './split-db';

const BUILDERS: Record<StageNumber, (app: App, config: GrowthConfig) => Foundation> = {
  1: singleBoxStage,
  2: splitDbStage,
  3: loadBalancedStage,
  4: cacheCdnStage,
  5: multiRegionStage,
};

/** Stage numbers that can be built, in ladder order: all of them. */
export const BUILT_STAGES = (Object.keys(BUILDERS).map(Number) as StageNumber[]).sort();

/** Builds the configured stage into `app`. */
export function buildStage(app: App, config: GrowthConfig): Foundation {
  return BUILDERS[config.stage.number](app, config);
}
