import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import {
  assetsBucket, auroraDatabase, behindCloudFront, dashboard, edge, foundation, globalDatabase, originVerifySecret, retainBoxElasticIp, secondaryDatabase,
  servingAlarm, workerSecurityGroup,
} from './place';

/**
 * Stage 5: the stage-4 footprint in a second region as well, the stage-2 cluster the primary of a
 * global database, CloudFront failing over to the second region's load balancer.
 */
export function multiRegionStage(app: App, config: GrowthConfig): void {
  const second = config.secondaryRegion;
  const f = foundation(app, config, { natGateways: config.natGateways });
  retainBoxElasticIp(f);
  const workers = workerSecurityGroup(f);
  const db = auroraDatabase(f, { readers: 1, extraClients: [workers.id], secretReplicaRegions: [second], globalMember: true });
  globalDatabase(f, db);
  const secretName = originVerifySecret(f, [second]);
  // Each region reads and writes through its own cluster; only the primary region migrates.
  const tier = behindCloudFront(f, workers, { secretArn: db.secret.arn, readerHost: db.readerHost }, secretName);
  dashboard(f, [...tier.web.alarms, ...db.alarms, ...tier.cache.alarms, ...tier.queue.alarms, servingAlarm(f, tier.web)]);

  const s = foundation(app, config, { natGateways: config.natGateways, secondaryRegion: second });
  // The secrets' replicas come with the primary network and data stacks, the global database with the data stack.
  s.network.addDependency(f.network);
  s.data.addDependency(f.data);
  const secondWorkers = workerSecurityGroup(s);
  const secondDb = secondaryDatabase(s, db, f, secondWorkers);
  const secondTier = behindCloudFront(s, secondWorkers, secondDb.connection, secretName);
  dashboard(s, [...secondTier.web.alarms, ...secondDb.cluster.alarms, ...secondTier.cache.alarms, ...secondTier.queue.alarms, servingAlarm(s, secondTier.web)]);

  edge(app, f, { web: tier.web, assets: assetsBucket(f), secretName, secondary: { f: s, web: secondTier.web } });
}
