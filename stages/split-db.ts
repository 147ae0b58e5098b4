import { App } from 'aws-cdk-lib';
import { GrowthConfig } from '../core/config';
import { auroraDatabase, dashboard, dataVolume, foundation, Foundation, openToInternet, singleBox } from './components';

/**
 * Stage 2: PostgreSQL moves to Aurora in the isolated data subnets; the box runs only the app.
 * The stage-1 volume stays attached to the box as the source of the one-time copy into Aurora
 * (see docs/migrations/1-to-2.md); stage 3 retires it with a final snapshot.
 */
export function splitDbStage(app: App, config: GrowthConfig): Foundation {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const db = auroraDatabase(f, { readers: 0 });
  const box = singleBox(f, { dataVolume: volume, database: { secret: db.cluster.secret! } });
  dashboard(f, [...box.alarms, ...db.alarms]);
  return f;
}
