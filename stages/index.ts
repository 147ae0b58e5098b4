/**
 * The stages as CloudFormation: each stage's recipe (core/stages.ts) rendered with the placements
 * of place/, which fix every component's stack and construct ID. terraform/stages/index.ts renders
 * the same recipes.
 */
import { App, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { GrowthConfig } from '../core/config';
import { STAGES, StageNumber } from '../core/stages';
import { metricOptions } from '../lib/alarms';
import { DATA_MOUNT } from '../lib/app-instance';
import { JobQueue } from '../lib/job-queue';
import { SingleBox } from '../lib/single-box';
import { ValkeyCache } from '../lib/valkey-cache';
import { WebTier } from '../lib/web-tier';
import {
  appTierBehindCloudFront, auroraDatabase, boxDatabase, CeilingMetrics, dashboard, DatabaseAccess, databaseAccess, dataVolume, edge, foundation,
  Foundation, globalDatabase, jobQueue, keepPublishedOutput, keptStage2Box, moveUpAlarms, openToInternet, originVerifyValue, secondaryDatabase,
  servingAlarm, singleBox, staticAssets, sustainedInstanceCpu, valkeyCache, webTier,
} from './place';

/** Stage numbers that can be built, in ladder order: every stage of the ladder has a recipe. */
export const BUILT_STAGES: StageNumber[] = STAGES.map((s) => s.number);

/** Builds the configured stage into `app`. */
export function buildStage(app: App, config: GrowthConfig): Foundation {
  const recipe = config.stage.recipe;
  const second = recipe.secondRegion ? config.secondaryRegion : undefined;
  const f = foundation(app, config, { natGateways: recipe.serving === 'box' ? 0 : config.natGateways });
  if (recipe.serving === 'box') openToInternet(f);
  const volume = recipe.dataVolume ? dataVolume(f) : undefined;
  const db = recipe.auroraReaders === undefined ? undefined
    // A global database's secret is replicated to the second region, whose cluster has no users of its own.
    : auroraDatabase(f, { readers: recipe.auroraReaders, ...second && { secretReplicaRegions: [second] } });
  if (db && second) globalDatabase(f, db);

  let box: SingleBox | undefined;
  let web: WebTier | undefined;
  let regional: Regional | undefined;
  let headerValue = '';
  if (recipe.serving === 'box') {
    box = singleBox(f, { dataVolume: volume!, ...db && { database: boxDatabase(db) } });
  } else if (recipe.serving === 'load-balancer') {
    web = webTier(f, { database: databaseAccess(db!) });
    // keepBox (first deploy of docs/migrations/2-to-3.md): the stage-2 box, unchanged, serves until DNS has moved.
    if (config.keepBox) box = keptStage2Box(f, volume!, db!);
  } else {
    headerValue = originVerifyValue(f, second ? [second] : []);
    // Each region reads and writes through its own cluster; only the primary's migrates.
    regional = regionalTier(f, databaseAccess(db!), headerValue);
    web = regional.web;
  }
  const published = { 'data-volume': volume?.volume.volumeId, 'aurora-cluster': db?.cluster.clusterIdentifier, 'cache': regional?.cache.replicationGroup.ref };
  if (recipe.keepsPublished) keepPublishedOutput(f.data, published[recipe.keepsPublished]!);

  const metrics: Partial<CeilingMetrics> = {
    'cpu': box && sustainedInstanceCpu(box),
    'data-disk': box && ((s) => new cloudwatch.Metric({
      namespace: s.metric.namespace, metricName: s.metric.name, dimensionsMap: { InstanceId: box.instance.instanceId, path: DATA_MOUNT },
      ...metricOptions(s),
    })),
    'db-connections': db && ((s) => db.cluster.metricDatabaseConnections(metricOptions(s))),
    'db-cpu': db && ((s) => db.cluster.metricCPUUtilization(metricOptions(s))),
    'replica-lag': db && ((s) => db.cluster.metric(s.metric.name, metricOptions(s))),
    'db-capacity': db && ((s) => db.cluster.metricACUUtilization(metricOptions(s))),
    'availability': web && ((s) => web.metricErrorRate(Duration.seconds(s.periodSeconds))),
    'cache-evictions': regional && ((s) => regional.cache.metricEvictions(Duration.seconds(s.periodSeconds))),
    'cache-hit-rate': regional && ((s) => regional.cache.metricHitRate(Duration.seconds(s.periodSeconds))),
  };
  const moveUp = moveUpAlarms(f, metrics);
  // The serving tier's alarms first (the box, or the instances behind the load balancer beside a kept box).
  const keptBox = web && box;
  dashboard(f, [
    ...(web ?? box!).alarms, ...db?.alarms ?? [], ...keptBox?.alarms ?? [],
    ...regional?.cache.alarms ?? [], ...regional?.queue.alarms ?? [], ...moveUp, ...second ? [servingAlarm(f, web!)] : [],
  ]);
  if (!regional) return f;

  const assets = staticAssets(f);
  if (!second) {
    edge(f, { web: web!, assets, originVerifyValue: headerValue });
    return f;
  }
  const s = foundation(app, config, { natGateways: config.natGateways, secondaryRegion: second });
  // The origin-verify secret's replica in this region comes with the primary network stack.
  s.network.addStackDependency(f.network);
  const secondDb = secondaryDatabase(s, db!, f);
  const secondTier = regionalTier(s, secondDb, headerValue);
  dashboard(s, [
    ...secondTier.web.alarms, ...secondDb.cluster.alarms, ...secondTier.cache.alarms, ...secondTier.queue.alarms, servingAlarm(s, secondTier.web),
  ]);
  edge(f, { web: web!, assets, originVerifyValue: headerValue, secondary: { foundation: s, web: secondTier.web } });
  return f;
}

/** A region's tier behind CloudFront: Valkey, the job queue, and the app instances and workers. */
interface Regional {
  readonly web: WebTier;
  readonly cache: ValkeyCache;
  readonly queue: JobQueue;
}

function regionalTier(f: Foundation, database: DatabaseAccess, headerValue: string): Regional {
  const cache = valkeyCache(f);
  const queue = jobQueue(f);
  return { web: appTierBehindCloudFront(f, { database, cache, queue, headerValue }), cache, queue };
}
