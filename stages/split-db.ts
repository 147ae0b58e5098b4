import { App } from 'aws-cdk-lib';
import { GrowthConfig } from '../core/config';
import { metricOptions } from '../lib/alarm-topic';
import { auroraDatabase, boxDatabase, dashboard, dataVolume, foundation, Foundation, moveUpAlarms, openToInternet, singleBox, sustainedInstanceCpu } from './place';

/**
 * Stage 2: PostgreSQL moves to Aurora in the isolated data subnets; the box runs only the app.
 * The stage-1 volume stays attached to the box as the source of the one-time copy into Aurora
 * (see docs/migrations/1-to-2.md); stage 4 retires it with a final snapshot.
 */
export function splitDbStage(app: App, config: GrowthConfig): Foundation {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const db = auroraDatabase(f, { readers: 0 });
  const box = singleBox(f, { dataVolume: volume, database: boxDatabase(db) });
  const moveUp = moveUpAlarms(f, {
    'cpu': sustainedInstanceCpu(box),
    'db-connections': (s) => db.cluster.metricDatabaseConnections(metricOptions(s)),
  });
  dashboard(f, [...box.alarms, ...db.alarms, ...moveUp]);
  return f;
}
