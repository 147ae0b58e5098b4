import { App, Duration } from 'aws-cdk-lib';
import { GrowthConfig } from '../core/config';
import {
  appTierBehindCloudFront, auroraDatabase, dashboard, databaseAccess, edge, foundation, Foundation, jobQueue, keepPublishedOutput,
  moveUpAlarms, originVerifyValue, staticAssets, valkeyCache,
} from './place';

/**
 * Stage 4: Valkey takes sessions and cached reads off the database; CloudFront (with a WAF web
 * ACL, in the us-east-1 edge stack) serves everything, static assets from S3; the load balancer
 * admits only CloudFront (once `openOrigin` is off: see the runbook); an SQS queue and worker
 * instances take slow work off the request path.
 * The stage-1 volume, kept since stage 2, leaves with a final snapshot (docs/migrations/3-to-4.md).
 */
export function cacheCdnStage(app: App, config: GrowthConfig): Foundation {
  const f = foundation(app, config, { natGateways: config.natGateways });
  const db = auroraDatabase(f, { readers: 1 });
  // Stage 3's move-up alarms in the app stack read the cluster's name; these no longer do.
  keepPublishedOutput(f.data, db.cluster.clusterIdentifier);
  const cache = valkeyCache(f);
  const queue = jobQueue(f);
  const headerValue = originVerifyValue(f);
  const web = appTierBehindCloudFront(f, { database: databaseAccess(db), cache, queue, headerValue });
  const assets = staticAssets(f);
  edge(f, { web, assets, originVerifyValue: headerValue });
  const moveUp = moveUpAlarms(f, {
    'availability': (s) => web.metricErrorRate(Duration.seconds(s.periodSeconds)),
    'cache-evictions': (s) => cache.metricEvictions(Duration.seconds(s.periodSeconds)),
    'cache-hit-rate': (s) => cache.metricHitRate(Duration.seconds(s.periodSeconds)),
  });
  dashboard(f, [...web.alarms, ...db.alarms, ...cache.alarms, ...queue.alarms, ...moveUp]);
  return f;
}
