import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { alarmTitle, dashboardWidgets } from '../../core/dashboard';
import { StageDashboard } from '../../lib/stage-dashboard';
import { bareStack } from '../support/bare-stack';

/** The dashboard's widgets, each alarm ARN token replaced by the alarm's logical ID. */
function widgetsOf(template: Template): any[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0].Properties.DashboardBody;
  const text = body['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part
    : part['Fn::GetAtt'] ? part['Fn::GetAtt'][0] : `<${Object.keys(part)[0]}>`)).join('');
  return JSON.parse(text).widgets;
}

function alarmsIn(stack: Stack, ids: string[]): cloudwatch.Alarm[] {
  return ids.map((id) => new cloudwatch.Metric({ namespace: 'X', metricName: id }).createAlarm(stack, id, { threshold: 1, evaluationPeriods: 1 }));
}

describe('StageDashboard', () => {
  test('shows every alarm\'s state on top, then a graph of each alarm, in the order given', () => {
    // GIVEN
    const stack = bareStack();
    const alarms = alarmsIn(stack, ['CpuAlarm', 'MemoryAlarm', 'Disk']);
    // WHEN
    new StageDashboard(stack, 'Dashboard', { alarms, dashboardName: 'webapp-us-east-1' });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'webapp-us-east-1' });
    const [status, ...graphs] = widgetsOf(template);
    const ids = alarms.map((a) => stack.getLogicalId(a.node.defaultChild as cloudwatch.CfnAlarm));
    expect(status).toEqual({ type: 'alarm', width: 24, height: 2, x: 0, y: 0, properties: { title: 'Alarms', alarms: ids } });
    expect(graphs.map((g) => [g.type, g.properties.title, g.properties.annotations.alarms, g.properties.region])).toEqual([
      ['metric', 'Cpu', [ids[0]], '<Ref>'], ['metric', 'Memory', [ids[1]], '<Ref>'], ['metric', 'Disk', [ids[2]], '<Ref>'],
    ]);
  });

  test('graphs three to a row, 8 by 6, below a status board that grows a row per 4 alarms', () => {
    const stack = bareStack();
    new StageDashboard(stack, 'Dashboard', { alarms: alarmsIn(stack, ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I']) });
    const [status, ...graphs] = widgetsOf(Template.fromStack(stack));
    expect(status.height).toBe(4);
    expect(graphs.map((g) => [g.x, g.y, g.width, g.height])).toEqual([
      [0, 4, 8, 6], [8, 4, 8, 6], [16, 4, 8, 6],
      [0, 10, 8, 6], [8, 10, 8, 6], [16, 10, 8, 6],
      [0, 16, 8, 6], [8, 16, 8, 6], [16, 16, 8, 6],
    ]);
  });

  test('widgets added to its dashboard later go below the alarms', () => {
    const stack = bareStack();
    const dashboard = new StageDashboard(stack, 'Dashboard', { alarms: alarmsIn(stack, ['A', 'B']) });
    dashboard.dashboard.addWidgets(new cloudwatch.TextWidget({ markdown: 'runbook', width: 24, height: 2 }));
    const widgets = widgetsOf(Template.fromStack(stack));
    expect(widgets.map((w) => [w.type, w.y])).toEqual([['alarm', 0], ['metric', 2], ['metric', 2], ['text', 8]]);
  });

  test('renders the widgets of core/dashboard.ts, which Terraform renders too', () => {
    const stack = bareStack();
    const alarms = alarmsIn(stack, ['CpuAlarm', 'MemoryAlarm']);
    new StageDashboard(stack, 'Dashboard', { alarms });
    const ids = alarms.map((a) => stack.getLogicalId(a.node.defaultChild as cloudwatch.CfnAlarm));
    expect(widgetsOf(Template.fromStack(stack))).toEqual(dashboardWidgets([{ title: 'Cpu', arn: ids[0] }, { title: 'Memory', arn: ids[1] }], '<Ref>'));
  });
});

describe('the dashboard model', () => {
  test('a status board even without alarms', () => {
    expect(dashboardWidgets([], 'us-east-1')).toEqual([{ type: 'alarm', width: 24, height: 2, x: 0, y: 0, properties: { title: 'Alarms', alarms: [] } }]);
  });

  test('an alarm\'s title is its construct ID without "Alarm", and without the "MoveUp-" of a Terraform move-up alarm', () => {
    expect(['ErrorRateAlarm', 'ServingAlarm', 'MoveUp-cpu', 'cpu', 'HitRate'].map(alarmTitle)).toEqual(['ErrorRate', 'Serving', 'cpu', 'cpu', 'HitRate']);
  });
});
