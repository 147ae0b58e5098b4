import { App } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { GrowthConfig } from '../core/config';
import { metricOptions } from '../lib/alarm-topic';
import { DATA_MOUNT } from '../lib/boot/user-data';
import { dashboard, dataVolume, foundation, Foundation, moveUpAlarms, openToInternet, singleBox, sustainedInstanceCpu } from './place';

/**
 * Stage 1: one instance runs the app and PostgreSQL, whose files sit on their own encrypted
 * volume with daily snapshots. Cheapest and fastest to ship.
 */
export function singleBoxStage(app: App, config: GrowthConfig): Foundation {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const box = singleBox(f, { dataVolume: volume });
  const moveUp = moveUpAlarms(f, {
    'cpu': sustainedInstanceCpu(box),
    'data-disk': (s) => new cloudwatch.Metric({
      namespace: s.metric.namespace, metricName: s.metric.name, dimensionsMap: { InstanceId: box.instance.instanceId, path: DATA_MOUNT },
      ...metricOptions(s),
    }),
  });
  dashboard(f, [...box.alarms, ...moveUp]);
  return f;
}
