import { App } from 'aws-cdk-lib';
import { GrowthConfig } from '../core/config';
import {
  appTierBehindCloudFront, auroraDatabase, dashboard, databaseAccess, edge, foundation, Foundation, globalDatabase, jobQueue, keepPublishedOutput,
  originVerifyValue, secondaryDatabase, servingAlarm, staticAssets, valkeyCache,
} from './place';

/**
 * Stage 5: the stage-4 footprint in a second region as well. The stage-2 cluster becomes the
 * primary of an Aurora global database whose secondary cluster serves the second region's reads
 * and forwards its writes (global write forwarding), so no instance connects across regions and
 * schema migrations run in the primary region only; the second region has its own address range
 * (`secondaryVpcCidr`). CloudFront reads fail over per request to the second region's load balancer
 * (origin group), writes follow Route 53's failover name when a hosted zone is given. Each
 * region keeps its own cache, queue and workers; static assets stay in the primary's bucket
 * (cached at the edge). Runbooks: docs/migrations/4-to-5.md, docs/runbooks/.
 */
export function multiRegionStage(app: App, config: GrowthConfig): Foundation {
  const f = foundation(app, config, { natGateways: config.natGateways });
  // Its secret is replicated to the second region, whose cluster has no users of its own.
  const db = auroraDatabase(f, { readers: 1, secretReplicaRegions: [config.secondaryRegion] });
  globalDatabase(f, db);
  const cache = valkeyCache(f);
  // Stage 4's move-up alarms in the app stack read the cache's name; this stage has none.
  keepPublishedOutput(f.data, cache.replicationGroup.ref);
  const queue = jobQueue(f);
  const headerValue = originVerifyValue(f, [config.secondaryRegion]);
  // Each region reads and writes through its own cluster; only this one migrates.
  const database = databaseAccess(db);
  const web = appTierBehindCloudFront(f, { database, cache, queue, headerValue });
  const assets = staticAssets(f);
  dashboard(f, [...web.alarms, ...db.alarms, ...cache.alarms, ...queue.alarms, servingAlarm(f, web)]);

  const second = foundation(app, config, { natGateways: config.natGateways, secondaryRegion: config.secondaryRegion });
  // The origin-verify secret's replica in this region comes with the primary network stack.
  second.network.addStackDependency(f.network);
  const secondDb = secondaryDatabase(second, db, f);
  const secondCache = valkeyCache(second);
  const secondQueue = jobQueue(second);
  const secondWeb = appTierBehindCloudFront(second, { database: secondDb, cache: secondCache, queue: secondQueue, headerValue });
  dashboard(second, [...secondWeb.alarms, ...secondDb.cluster.alarms, ...secondCache.alarms, ...secondQueue.alarms, servingAlarm(second, secondWeb)]);

  edge(f, { web, assets, originVerifyValue: headerValue, secondary: { foundation: second, web: secondWeb } });
  return f;
}
