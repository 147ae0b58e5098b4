import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { StageDashboard } from '../../lib/stage-dashboard';
import { bareStack } from '../support/bare-stack';

test('StageDashboard shows the alarms\' state, then a graph per alarm', () => {
  const stack = bareStack();
  const alarms = ['CpuAlarm', 'MemoryAlarm'].map((id) => new cloudwatch.Metric({ namespace: 'X', metricName: id })
    .createAlarm(stack, id, { threshold: 1, evaluationPeriods: 1 }));
  new StageDashboard(stack, 'Dashboard', { alarms });
  const body = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'))[0].Properties.DashboardBody;
  const text = JSON.stringify(body);
  expect(text).toContain('\\"type\\":\\"alarm\\"');
  expect(text).toContain('\\"title\\":\\"Cpu\\"');
  expect(text).toContain('\\"title\\":\\"Memory\\"');
});
