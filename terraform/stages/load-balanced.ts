import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import { alarmMetric } from '../alarm-topic';
import { auroraDatabase, dashboard, dataVolume, foundation, keptStage2Box, moveUpAlarms, retainBoxElasticIp, webTier } from './place';

/** Stage 3: a load balancer and an Auto Scaling group replace the box; Aurora gains a reader. */
export function loadBalancedStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: config.natGateways });
  const volume = dataVolume(f);
  const db = auroraDatabase(f, { readers: 1 });
  const web = webTier(f, { secretArn: db.secret.arn, readerHost: db.readerHost });
  // keepBox (first deploy of docs/migrations/2-to-3.md): the stage-2 box, unchanged, serves until DNS has moved.
  const box = config.keepBox ? keptStage2Box(f, volume, db) : undefined;
  if (!box) retainBoxElasticIp(f);
  const cluster = { DBClusterIdentifier: db.cluster.clusterIdentifier };
  const moveUp = moveUpAlarms(f, {
    'db-cpu': (s) => alarmMetric(s, cluster),
    'replica-lag': (s) => alarmMetric(s, cluster),
    'db-capacity': (s) => alarmMetric(s, cluster),
  });
  dashboard(f, [...web.alarms, ...db.alarms, ...box?.alarms ?? [], ...moveUp]);
}
