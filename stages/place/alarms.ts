/**
 * The stage-level alarms of the app stack: the serving alarm Route 53 reads (stage 5), the
 * move-up alarms of the ladder, and the dashboard of every alarm.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { servingAlarmName } from '../../core/naming';
import { ALARMS, describeMoveUp, MoveUpSignal } from '../../core/settings';
import { moveUpAlarmName } from '../../core/stages';
import { alarmProps, metricOptions } from '../../lib/alarms';
import { SingleBox } from '../../lib/single-box';
import { StageDashboard } from '../../lib/stage-dashboard';
import { WebTier } from '../../lib/web-tier';
import { Foundation } from './foundation';

/**
 * The alarm Route 53's health check of the region reads: no healthy target, or no data at all
 * (the region stopped reporting). Its settings: `ALARMS.serving` in core/settings.ts.
 */
export function servingAlarm(f: Foundation, web: WebTier): cloudwatch.Alarm {
  const setting = ALARMS.serving.ServingAlarm;
  const { alarmDescription, ...props } = alarmProps(setting, web.targetGroup.metrics.healthyHostCount(metricOptions(setting)), { region: f.region });
  const alarm = new cloudwatch.Alarm(f.app, 'ServingAlarm', { alarmName: servingAlarmName(f.config.appName, f.region), alarmDescription, ...props });
  alarm.addAlarmAction(new actions.SnsAction(f.alarmTopic.topic));
  alarm.addOkAction(new actions.SnsAction(f.alarmTopic.topic));
  return alarm;
}

/**
 * The metric of each move-up signal, built with the period and statistic its settings name
 * (`MOVE_UP_SIGNALS` in core/settings.ts); the threshold, periods and comparison come from there too.
 */
export type CeilingMetrics = Record<string, (setting: MoveUpSignal) => cloudwatch.IMetric>;

/**
 * The stage's move-up alarms, named `<appName>-move-to-<next stage>-<signal>` for every signal
 * the ladder (core/stages.ts) lists for this stage. They notify the alarm topic like any alarm;
 * they mean "plan the next stage", not "page someone".
 */
export function moveUpAlarms(f: Foundation, metrics: Partial<CeilingMetrics>): cloudwatch.Alarm[] {
  const missing = f.config.stage.moveUpAlarms.filter((a) => !metrics[a.signal]).map((a) => a.signal);
  if (missing.length) throw new Error(`stage ${f.config.stage.name} defines move-up signals its components cannot measure: ${missing.join(', ')}`);
  if (f.config.stage.moveUpAlarms.length === 0) return [];
  const scope = new Construct(f.app, 'MoveUp');
  return f.config.stage.moveUpAlarms.map((definition) => {
    const setting = definition.setting;
    const { alarmDescription: _described, ...props } = alarmProps(setting, metrics[definition.signal]!(setting));
    const alarm = new cloudwatch.Alarm(scope, definition.signal, {
      alarmName: moveUpAlarmName(f.config.appName, f.config.stage, definition),
      alarmDescription: describeMoveUp(setting),
      ...props,
    });
    alarm.addAlarmAction(new actions.SnsAction(f.alarmTopic.topic));
    return alarm;
  });
}

/** Average CPU of an instance over hours: the sustained load a move-up decision rests on. */
export function sustainedInstanceCpu(box: SingleBox): (setting: MoveUpSignal) => cloudwatch.IMetric {
  return (setting) => new cloudwatch.Metric({
    namespace: setting.metric.namespace, metricName: setting.metric.name, dimensionsMap: { InstanceId: box.instance.instanceId },
    ...metricOptions(setting),
  });
}

/** The dashboard of every alarm the stage has. */
export function dashboard(f: Foundation, alarms: cloudwatch.Alarm[]): StageDashboard {
  return new StageDashboard(f.app, 'Dashboard', { alarms, dashboardName: `${f.config.appName}-${f.region}` });
}
