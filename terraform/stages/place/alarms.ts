/** The stage-level alarms of the app stack: the serving alarm (stage 5), the move-up alarms, the dashboard. */
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { alarmTitle, dashboardWidgets } from '../../../core/dashboard';
import { servingAlarmName } from '../../../core/naming';
import { ALARMS, describeMoveUp, MoveUpSignal } from '../../../core/settings';
import { moveUpAlarmName } from '../../../core/stages';
import { alarmMetric, alarmSettings } from '../../alarm-topic';
import { TfSingleBox } from '../../single-box';
import { TfWebTier } from '../../web-tier';
import { Foundation } from './foundation';

/** The alarm Route 53 reads for a region: no healthy app instance, or no data (`ALARMS.serving` in core/settings.ts). */
export function servingAlarm(f: Foundation, web: TfWebTier): CloudwatchMetricAlarm {
  const setting = ALARMS.serving.ServingAlarm;
  return new CloudwatchMetricAlarm(f.app, 'ServingAlarm', {
    alarmName: servingAlarmName(f.config.appName, f.region),
    ...alarmMetric(setting, { LoadBalancer: web.loadBalancer.arnSuffix, TargetGroup: web.targetGroup.arnSuffix }),
    ...alarmSettings(setting, { region: f.region }),
    alarmActions: [f.alarms.topic.arn], okActions: [f.alarms.topic.arn],
  });
}

/** What a move-up alarm watches: a metric, or metric queries. */
export type CeilingMetric = Pick<CloudwatchMetricAlarmConfig,
  'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'extendedStatistic' | 'period' | 'metricQuery'>;

/**
 * The metric of each move-up signal, built with the period and statistic its settings name
 * (`MOVE_UP_SIGNALS` in core/settings.ts); the threshold, periods and comparison come from there too.
 */
export type CeilingMetrics = Record<string, (setting: MoveUpSignal) => CeilingMetric>;

/** Average CPU of the box over hours, as the CloudFormation side's `sustainedInstanceCpu`. */
export function sustainedCpu(box: TfSingleBox): (setting: MoveUpSignal) => CeilingMetric {
  return (setting) => alarmMetric(setting, { InstanceId: box.instance.id });
}

/** The stage's move-up alarms, named and described from the ladder (core/stages.ts), as on the CloudFormation side. */
export function moveUpAlarms(f: Foundation, metrics: Partial<CeilingMetrics>): CloudwatchMetricAlarm[] {
  const { stage, appName } = f.config;
  const missing = stage.moveUpAlarms.filter((a) => !metrics[a.signal]).map((a) => a.signal);
  if (missing.length) throw new Error(`stage ${stage.name} defines move-up signals its components cannot measure: ${missing.join(', ')}`);
  return stage.moveUpAlarms.map((definition) => {
    const setting = definition.setting;
    return new CloudwatchMetricAlarm(f.app, `MoveUp-${definition.signal}`, {
      ...metrics[definition.signal]!(setting),
      alarmName: moveUpAlarmName(appName, stage, definition),
      ...alarmSettings(setting),
      alarmDescription: describeMoveUp(setting),
      alarmActions: [f.alarms.topic.arn],
    });
  });
}

/** The dashboard of every alarm the stage has: `core/dashboard.ts`'s widgets, as CloudFormation's `StageDashboard`. */
export function dashboard(f: Foundation, alarms: CloudwatchMetricAlarm[]): void {
  new CloudwatchDashboard(f.app, 'Dashboard', {
    dashboardName: `${f.config.appName}-${f.region}`,
    dashboardBody: JSON.stringify({ widgets: dashboardWidgets(alarms.map((alarm) => ({ title: alarmTitle(alarm.node.id), arn: alarm.arn })), f.region) }),
  });
}
