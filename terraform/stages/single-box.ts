import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import { DATA_MOUNT } from '../../lib/boot/boot-script';
import { dashboard, dataVolume, foundation, moveUpAlarms, openToInternet, singleBox, sustainedCpu } from './place';

/** Stage 1: one instance runs the app and PostgreSQL on its own volume. */
export function singleBoxStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const box = singleBox(f, { volume });
  const [cpu, disk] = [sustainedCpu(box), {
    namespace: 'CWAgent', metricName: 'disk_used_percent', dimensions: { InstanceId: box.instance.id, path: DATA_MOUNT }, statistic: 'Maximum', period: 300,
    threshold: 70, evaluationPeriods: 3,
  }];
  dashboard(f, [...box.alarms, ...moveUpAlarms(f, { 'cpu': cpu, 'data-disk': disk })]);
}
