/**
 * CloudWatch alarms from the settings table (core/settings.ts): each construct's alarms take their
 * threshold, evaluation periods, comparison, missing-data treatment and description from there,
 * and notify a topic (an `AlarmTopic`'s, or any) when they fire and when they recover.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmSetting, describeAlarm } from '../core/settings';

/** An alarm in `scope` that notifies `topic` when it fires and again when it recovers. */
export function notifyingAlarm(scope: Construct, id: string, topic: sns.ITopic, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, props);
  const notify = new actions.SnsAction(topic);
  alarm.addAlarmAction(notify);
  alarm.addOkAction(notify);
  return alarm;
}

/**
 * An alarm on `metric` with the threshold, evaluation periods, comparison, missing-data treatment
 * and description of `setting` (core/settings.ts), notifying `topic` as `notifyingAlarm` does.
 * `vars` fills the description's own placeholders (`{path}`).
 */
export function settingAlarm(scope: Construct, id: string, topic: sns.ITopic, setting: AlarmSetting, metric: cloudwatch.IMetric,
  vars: Record<string, string> = {}): cloudwatch.Alarm {
  return notifyingAlarm(scope, id, topic, alarmProps(setting, metric, vars));
}

/** The alarm properties of `setting` (core/settings.ts) on `metric`. */
export function alarmProps(setting: AlarmSetting, metric: cloudwatch.IMetric, vars: Record<string, string> = {}): cloudwatch.AlarmProps {
  return {
    metric,
    threshold: setting.threshold,
    evaluationPeriods: setting.evaluationPeriods,
    comparisonOperator: setting.comparison as cloudwatch.ComparisonOperator,
    ...setting.missingData ? { treatMissingData: setting.missingData as cloudwatch.TreatMissingData } : {},
    alarmDescription: describeAlarm(setting, vars),
  };
}

/** The period and statistic of `setting`, for a construct's `metricXxx({ ... })`. */
export function metricOptions(setting: AlarmSetting): { period: Duration; statistic: string } {
  return { period: Duration.seconds(setting.periodSeconds), statistic: setting.statistic };
}
