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

  const lb = { LoadBalancer: tier.web.loadBalancer.arnSuffix };
  const daily = (id: string, metricName: string) => ({ id, metric: { namespace: 'AWS/ApplicationELB', metricName, dimensions: lb, period: 86400, stat: 'Sum' } });
  const moveUp = moveUpAlarms(f, {
    'availability': {
      threshold: 0.1, evaluationPeriods: 1,
      metricQuery: [
        { id: 'rate', expression: '100 * (elb5xx + target5xx) / MAX([requests, 1])', label: '5xx rate (%)', returnData: true },
        daily('elb5xx', 'HTTPCode_ELB_5XX_Count'), daily('target5xx', 'HTTPCode_Target_5XX_Count'), daily('requests', 'RequestCount'),
      ],
    },
    'cache-evictions': {
      threshold: 1, evaluationPeriods: 3,
      metricQuery: [{ id: 'evictions', expression: 'SUM([n0, n1])', returnData: true }, ...tier.cache.perNode('n', 'Evictions', 'Sum', 3600)],
    },
    'cache-hit-rate': { threshold: 80, evaluationPeriods: 3, metricQuery: tier.cache.hitRate(3600), below: true },
  });
  dashboard(f, [...tier.web.alarms, ...db.alarms, ...tier.cache.alarms, ...tier.queue.alarms, ...moveUp]);
}
