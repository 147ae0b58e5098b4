import { App } from 'aws-cdk-lib';
import { GrowthConfig } from '../core/config';
import { metricOptions } from '../lib/alarm-topic';
import {
  auroraDatabase, dashboard, databaseAccess, dataVolume, foundation, Foundation, keepPublishedOutput, keptStage2Box, moveUpAlarms, webTier,
} from './place';

/**
 * Stage 3: an Application Load Balancer and an Auto Scaling group over both AZs replace the box;
 * NAT gateways give the private app subnets egress; Aurora gains a reader in the second AZ.
 * The stage-1 volume is detached, kept (daily snapshots continue) and retired by stage 4, so no
 * stack deletes a volume the previous stage's box may still hold.
 * With `keepBox` (first deploy of docs/migrations/2-to-3.md) the stage-2 box keeps serving,
 * unchanged, beside the load balancer until DNS has moved; the next deploy retires it.
 */
export function loadBalancedStage(app: App, config: GrowthConfig): Foundation {
  const f = foundation(app, config, { natGateways: config.natGateways });
  const volume = dataVolume(f);
  keepPublishedOutput(f.data, volume.volume.volumeId);
  const db = auroraDatabase(f, { readers: 1 });
  const web = webTier(f, { database: databaseAccess(db) });
  const box = config.keepBox ? keptStage2Box(f, volume, db) : undefined;
  const moveUp = moveUpAlarms(f, {
    'db-cpu': (s) => db.cluster.metricCPUUtilization(metricOptions(s)),
    'replica-lag': (s) => db.cluster.metric(s.metric.name, metricOptions(s)),
    'db-capacity': (s) => db.cluster.metricACUUtilization(metricOptions(s)),
  });
  dashboard(f, [...web.alarms, ...db.alarms, ...box?.alarms ?? [], ...moveUp]);
  return f;
}
