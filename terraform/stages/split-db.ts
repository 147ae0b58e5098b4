import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import { alarmMetric } from '../alarm-topic';
import { auroraDatabase, dashboard, dataVolume, foundation, moveUpAlarms, openToInternet, singleBox, sustainedCpu } from './place';

/** Stage 2: PostgreSQL moves to Aurora; the box runs only the app and keeps the stage-1 volume. */
export function splitDbStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const db = auroraDatabase(f, { readers: 0 });
  const box = singleBox(f, { volume, database: db });
  const moveUp = moveUpAlarms(f, {
    'cpu': sustainedCpu(box),
    'db-connections': (s) => alarmMetric(s, { DBClusterIdentifier: db.cluster.clusterIdentifier }),
  });
  dashboard(f, [...box.alarms, ...db.alarms, ...moveUp]);
}
