import { App } from 'aws-cdk-lib';
import { GrowthConfig } from '../core/config';
import { dashboard, dataVolume, foundation, Foundation, openToInternet, singleBox } from './components';

/**
 * Stage 1: one instance runs the app and PostgreSQL, whose files sit on their own encrypted
 * volume with daily snapshots. Cheapest and fastest to ship.
 */
export function singleBoxStage(app: App, config: GrowthConfig): Foundation {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const box = singleBox(f, { dataVolume: volume });
  dashboard(f, [...box.alarms]);
  return f;
}
