import { App } from 'cdktf';
import { GrowthConfig } from '../../core/config';
import { alarmMetric } from '../alarm-topic';
import { DATA_MOUNT } from '../../lib/boot/boot-script';
import { dashboard, dataVolume, foundation, moveUpAlarms, openToInternet, singleBox, sustainedCpu } from './place';

/** Stage 1: one instance runs the app and PostgreSQL on its own volume. */
export function singleBoxStage(app: App, config: GrowthConfig): void {
  const f = foundation(app, config, { natGateways: 0 });
  openToInternet(f);
  const volume = dataVolume(f);
  const box = singleBox(f, { volume });
  const moveUp = moveUpAlarms(f, {
    'cpu': sustainedCpu(box),
    'data-disk': (s) => alarmMetric(s, { InstanceId: box.instance.id, path: DATA_MOUNT }),
  });
  dashboard(f, [...box.alarms, ...moveUp]);
}
