/**
 * The stage-level alarms of the app stack: the serving alarm Route 53 reads (stage 5), the
 * move-up alarms of the ladder, and the dashboard of every alarm.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { servingAlarmName } from '../../core/naming';
import { moveUpAlarmName } from '../../core/stages';
import { SingleBox } from '../../lib/single-box';
import { StageDashboard } from '../../lib/stage-dashboard';
import { WebTier } from '../../lib/web-tier';
import { Foundation } from './foundation';

/**
 * The alarm Route 53's health check of the region reads: no healthy target for 2 minutes, or no
 * data at all (the region stopped reporting).
 */
export function servingAlarm(f: Foundation, web: WebTier): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(f.app, 'ServingAlarm', {
    alarmName: servingAlarmName(f.config.appName, f.region),
    alarmDescription: `No healthy app instance in ${f.region} for 2 minutes: Route 53 fails the origin over to the other region`,
    metric: web.targetGroup.metrics.healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum' }),
    threshold: 1,
    evaluationPeriods: 2,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(f.alarmTopic.topic));
  alarm.addOkAction(new actions.SnsAction(f.alarmTopic.topic));
  return alarm;
}

/** One move-up signal: its metric, and the value that, sustained, means the stage is its own ceiling. */
export interface CeilingSignal {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  /** Consecutive periods of the metric beyond the threshold. */
  readonly periods: number;
  /**
   * The ceiling is a floor: the alarm fires below the threshold (hit rates).
   * @default false
   */
  readonly below?: boolean;
}

/**
 * The stage's move-up alarms, named `<appName>-move-to-<next stage>-<signal>` for every signal
 * the ladder (core/stages.ts) lists for this stage. They notify the alarm topic like any alarm;
 * they mean "plan the next stage", not "page someone".
 */
export function moveUpAlarms(f: Foundation, signals: Record<string, CeilingSignal>): cloudwatch.Alarm[] {
  const defined = f.config.stage.moveUpAlarms.map((a) => a.signal).sort();
  if (JSON.stringify(Object.keys(signals).sort()) !== JSON.stringify(defined)) {
    throw new Error(`stage ${f.config.stage.name} defines move-up signals ${defined.join(', ')}; got ${Object.keys(signals).join(', ')}`);
  }
  const scope = new Construct(f.app, 'MoveUp');
  return f.config.stage.moveUpAlarms.map((definition) => {
    const signal = signals[definition.signal];
    const alarm = new cloudwatch.Alarm(scope, definition.signal, {
      alarmName: moveUpAlarmName(f.config.appName, f.config.stage, definition),
      alarmDescription: `Time to plan the next stage: ${definition.means}`,
      metric: signal.metric,
      threshold: signal.threshold,
      evaluationPeriods: signal.periods,
      comparisonOperator: signal.below
        ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
        : cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(f.alarmTopic.topic));
    return alarm;
  });
}

/** Average CPU of an instance over hours: the sustained load a move-up decision rests on. */
export function sustainedInstanceCpu(box: SingleBox): CeilingSignal {
  return {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensionsMap: { InstanceId: box.instance.instanceId },
      statistic: 'Average', period: Duration.hours(1),
    }),
    threshold: 70,
    periods: 3,
  };
}

/** The dashboard of every alarm the stage has. */
export function dashboard(f: Foundation, alarms: cloudwatch.Alarm[]): StageDashboard {
  return new StageDashboard(f.app, 'Dashboard', { alarms, dashboardName: `${f.config.appName}-${f.region}` });
}
