/** The stage-level alarms of the app stack: the serving alarm (stage 5), the move-up alarms, the dashboard. */
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { alarmTitle, dashboardWidgets } from '../../../core/dashboard';
import { servingAlarmName } from '../../../core/naming';
import { moveUpAlarmName } from '../../../core/stages';
import { TfSingleBox } from '../../single-box';
import { TfWebTier } from '../../web-tier';
import { Foundation } from './foundation';

/** The alarm Route 53 reads for a region: no healthy app instance for 2 minutes, or no data. */
export function servingAlarm(f: Foundation, web: TfWebTier): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(f.app, 'ServingAlarm', {
    alarmName: servingAlarmName(f.config.appName, f.region),
    alarmDescription: `No healthy app instance in ${f.region} for 2 minutes: Route 53 fails the origin over to the other region`,
    namespace: 'AWS/ApplicationELB', metricName: 'HealthyHostCount', statistic: 'Minimum', period: 60,
    dimensions: { LoadBalancer: web.loadBalancer.arnSuffix, TargetGroup: web.targetGroup.arnSuffix },
    threshold: 1, evaluationPeriods: 2, comparisonOperator: 'LessThanThreshold', treatMissingData: 'breaching',
    alarmActions: [f.alarms.topic.arn], okActions: [f.alarms.topic.arn],
  });
}

export type CeilingSignal = Pick<CloudwatchMetricAlarmConfig,
  'namespace' | 'metricName' | 'dimensions' | 'statistic' | 'period' | 'threshold' | 'evaluationPeriods' | 'metricQuery'> & {
  /** The ceiling is a floor (hit rates). */
  readonly below?: boolean;
};

export function sustainedCpu(box: TfSingleBox): CeilingSignal {
  return {
    namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: { InstanceId: box.instance.id }, statistic: 'Average', period: 3600,
    threshold: 70, evaluationPeriods: 3,
  };
}

/** The stage's move-up alarms, named and described from the ladder (core/stages.ts), as on the CloudFormation side. */
export function moveUpAlarms(f: Foundation, signals: Record<string, CeilingSignal>): CloudwatchMetricAlarm[] {
  const { stage, appName } = f.config;
  return stage.moveUpAlarms.map((definition) => {
    const signal = signals[definition.signal];
    if (!signal) throw new Error(`stage ${stage.name} defines move-up signal ${definition.signal}; none given`);
    const { below, ...metric } = signal;
    return new CloudwatchMetricAlarm(f.app, `MoveUp-${definition.signal}`, {
      ...metric,
      alarmName: moveUpAlarmName(appName, stage, definition),
      alarmDescription: `Time to plan the next stage: ${definition.means}`,
      comparisonOperator: below ? 'LessThanThreshold' : 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
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
