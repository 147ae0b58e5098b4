/**
 * The stages as Terraform (CDK for Terraform): each stage's recipe (core/stages.ts) rendered with
 * the placements of place/, which fix each component's stack and ID, as stages/index.ts renders
 * it for CloudFormation. Both engines read the same engine-free modules (core/: ladder, recipes,
 * configuration, names, settings; lib/boot/boot-script.ts: the instances' boot script).
 */
import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import { DATA_MOUNT } from '../../lib/boot/boot-script';
import { alarmMetric } from '../alarm-topic';
import { TfSingleBox } from '../single-box';
import { TfWebTier } from '../web-tier';
import {
  assetsBucket, auroraDatabase, behindCloudFront, CeilingMetrics, dashboard, dataVolume, edge, foundation, globalDatabase, keptStage2Box,
  moveUpAlarms, openToInternet, originVerifySecret, RegionalTier, retainBoxElasticIp, secondaryDatabase, servingAlarm, singleBox, sustainedCpu,
  webTier, workerSecurityGroup,
} from './place';

/** The builder of the configured stage. */
export function terraformStageBuilder(config: GrowthConfig): (app: App) => void {
  return (app) => buildStage(app, config);
}

function buildStage(app: App, config: GrowthConfig): void {
  const recipe = config.stage.recipe;
  const second = recipe.secondRegion ? config.secondaryRegion : undefined;
  const f = foundation(app, config, { natGateways: recipe.serving === 'box' ? 0 : config.natGateways });
  if (recipe.serving === 'box') openToInternet(f);
  const volume = recipe.dataVolume ? dataVolume(f) : undefined;
  const workers = recipe.serving === 'cloudfront' ? workerSecurityGroup(f) : undefined;
  const db = recipe.auroraReaders === undefined ? undefined : auroraDatabase(f, {
    readers: recipe.auroraReaders,
    ...workers && { extraClients: [workers.id] },
    ...second && { secretReplicaRegions: [second], globalMember: true },
  });
  if (db && second) globalDatabase(f, db);

  let box: TfSingleBox | undefined;
  let web: TfWebTier | undefined;
  let tier: RegionalTier | undefined;
  let secretName = '';
  if (recipe.serving === 'box') {
    box = singleBox(f, { volume: volume!, ...db && { database: db } });
  } else if (recipe.serving === 'load-balancer') {
    web = webTier(f, { secretArn: db!.secret.arn, readerHost: db!.readerHost });
    // keepBox (first deploy of docs/migrations/2-to-3.md): the stage-2 box, unchanged, serves until DNS has moved.
    if (config.keepBox) box = keptStage2Box(f, volume!, db!);
  } else {
    secretName = originVerifySecret(f, second ? [second] : []);
    // Each region reads and writes through its own cluster; only the primary's migrates.
    tier = behindCloudFront(f, workers!, { secretArn: db!.secret.arn, readerHost: db!.readerHost }, secretName);
    web = tier.web;
  }
  // The box's Elastic IP stays when the box goes, as CloudFormation retains it.
  if (recipe.serving !== 'box' && !box) retainBoxElasticIp(f);

  const cluster = db && { DBClusterIdentifier: db.cluster.clusterIdentifier };
  const metrics: Partial<CeilingMetrics> = {
    'cpu': box && sustainedCpu(box),
    'data-disk': box && ((s) => alarmMetric(s, { InstanceId: box.instance.id, path: DATA_MOUNT })),
    'db-connections': cluster && ((s) => alarmMetric(s, cluster)),
    'db-cpu': cluster && ((s) => alarmMetric(s, cluster)),
    'replica-lag': cluster && ((s) => alarmMetric(s, cluster)),
    'db-capacity': cluster && ((s) => alarmMetric(s, cluster)),
    'availability': web && ((s) => ({ metricQuery: web.errorRate(s.periodSeconds) })),
    'cache-evictions': tier && ((s) => {
      const nodes = tier.cache.perNode('n', s.metric.name, s.statistic, s.periodSeconds);
      return { metricQuery: [{ id: 'evictions', expression: `${s.metric.acrossNodes}([${nodes.map((q) => q.id).join(', ')}])`, returnData: true }, ...nodes] };
    }),
    'cache-hit-rate': tier && ((s) => ({ metricQuery: tier.cache.hitRate(s.periodSeconds) })),
  };
  const moveUp = moveUpAlarms(f, metrics);
  // The serving tier's alarms first (the box, or the instances behind the load balancer beside a kept box).
  const keptBox = web && box;
  dashboard(f, [
    ...(web ?? box!).alarms, ...db?.alarms ?? [], ...keptBox?.alarms ?? [],
    ...tier?.cache.alarms ?? [], ...tier?.queue.alarms ?? [], ...moveUp, ...second ? [servingAlarm(f, web!)] : [],
  ]);
  if (!tier) return;

  const assets = assetsBucket(f);
  if (!second) {
    edge(app, f, { web: tier.web, assets, secretName });
    return;
  }
  const s = foundation(app, config, { natGateways: config.natGateways, secondaryRegion: second });
  // The secrets' replicas come with the primary network and data stacks, the global database with the data stack.
  s.network.addDependency(f.network);
  s.data.addDependency(f.data);
  const secondWorkers = workerSecurityGroup(s);
  const secondDb = secondaryDatabase(s, db!, f, secondWorkers);
  const secondTier = behindCloudFront(s, secondWorkers, secondDb.connection, secretName);
  dashboard(s, [
    ...secondTier.web.alarms, ...secondDb.cluster.alarms, ...secondTier.cache.alarms, ...secondTier.queue.alarms, servingAlarm(s, secondTier.web),
  ]);
  edge(app, f, { web: tier.web, assets, secretName, secondary: { f: s, web: secondTier.web } });
}
