import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import { auroraDatabase, dashboard, dataVolume, foundation, moveUpAlarms, openToInternet, singleBox, sustainedCpu } from './place';

/** Stage 2: PostgreSQL moves to Aurora; the box runs only the app and keeps the stage-1 volume. */
export function splitDbStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const db = auroraDatabase(f, { readers: 0 });
  const box = singleBox(f, { volume, database: db });
  const connections = {
    namespace: 'AWS/RDS', metricName: 'DatabaseConnections', dimensions: { DBClusterIdentifier: db.cluster.clusterIdentifier },
    statistic: 'Average', period: 3600, threshold: 300, evaluationPeriods: 3,
  };
  dashboard(f, [...box.alarms, ...db.alarms, ...moveUpAlarms(f, { 'cpu': sustainedCpu(box), 'db-connections': connections })]);
}
