import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import {
  assetsBucket, auroraDatabase, behindCloudFront, dashboard, edge, foundation, moveUpAlarms, originVerifySecret, retainBoxElasticIp, workerSecurityGroup,
} from './place';

/** Stage 4: Valkey, CloudFront with the WAF and the assets bucket, the job queue and the workers. */
export function cacheCdnStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: config.natGateways });
  retainBoxElasticIp(f);
  const workers = workerSecurityGroup(f);
  const db = auroraDatabase(f, { readers: 1, extraClients: [workers.id] });
  const secretName = originVerifySecret(f, []);
  const tier = behindCloudFront(f, workers, { secretArn: db.secret.arn, readerHost: db.readerHost }, secretName);
  edge(app, f, { web: tier.web, assets: assetsBucket(f), secretName });

  const moveUp = moveUpAlarms(f, {
    'availability': (s) => ({ metricQuery: tier.web.errorRate(s.periodSeconds) }),
    'cache-evictions': (s) => {
      const nodes = tier.cache.perNode('n', s.metric.name, s.statistic, s.periodSeconds);
      return { metricQuery: [{ id: 'evictions', expression: `${s.metric.acrossNodes}([${nodes.map((q) => q.id).join(', ')}])`, returnData: true }, ...nodes] };
    },
    'cache-hit-rate': (s) => ({ metricQuery: tier.cache.hitRate(s.periodSeconds) }),
  });
  dashboard(f, [...tier.web.alarms, ...db.alarms, ...tier.cache.alarms, ...tier.queue.alarms, ...moveUp]);
}
