/**
 * A stage's dashboard, engine-free: the state of every alarm on top, then a graph of each alarm.
 * Both engines render this widget list (CloudFormation's `StageDashboard`, Terraform's
 * `dashboard()`), so the two dashboards cannot differ but for how they reference an alarm.
 */

/** One alarm on the dashboard. */
export interface DashboardAlarm {
  /** Title of the alarm's graph (`alarmTitle`). */
  readonly title: string;
  /** The alarm's ARN, as the engine references it (a CDK token, a Terraform interpolation). */
  readonly arn: string;
}

/** The status board: every alarm's state, in the stage's order. */
export interface AlarmStatusWidget {
  readonly type: 'alarm';
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
  readonly properties: { readonly title: string; readonly alarms: string[] };
}

/** One alarm's metric over time, with its threshold. */
export interface AlarmGraphWidget {
  readonly type: 'metric';
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
  readonly properties: {
    readonly view: 'timeSeries';
    readonly title: string;
    readonly region: string;
    readonly annotations: { readonly alarms: string[] };
    // Written as CDK's AlarmWidget writes it: the default left axis.
    readonly yAxis: Record<string, never>;
  };
}

export type DashboardWidget = AlarmStatusWidget | AlarmGraphWidget;

/** CloudWatch's dashboard grid is 24 units wide. */
const GRID_WIDTH = 24;
const GRAPH_WIDTH = 8;
const GRAPH_HEIGHT = 6;
/** The status board shows about 4 alarms a row. */
const STATUS_PER_ROW = 4;

/**
 * The widgets of a dashboard of `alarms`, positioned: the status board across the top, then the
 * graphs three to a row, in the order of `alarms`. `region` is where the graphs read the metrics
 * (the dashboard's own region).
 */
export function dashboardWidgets(alarms: DashboardAlarm[], region: string): DashboardWidget[] {
  const statusHeight = Math.max(2, Math.ceil(alarms.length / STATUS_PER_ROW) + 1);
  const perRow = GRID_WIDTH / GRAPH_WIDTH;
  return [
    { type: 'alarm', width: GRID_WIDTH, height: statusHeight, x: 0, y: 0, properties: { title: 'Alarms', alarms: alarms.map((a) => a.arn) } },
    ...alarms.map((alarm, i): AlarmGraphWidget => ({
      type: 'metric', width: GRAPH_WIDTH, height: GRAPH_HEIGHT,
      x: (i % perRow) * GRAPH_WIDTH, y: statusHeight + Math.floor(i / perRow) * GRAPH_HEIGHT,
      properties: { view: 'timeSeries', title: alarm.title, region, annotations: { alarms: [alarm.arn] }, yAxis: {} },
    })),
  ];
}

/**
 * Title of an alarm's graph: its construct ID without `Alarm` (`ErrorRateAlarm` reads `ErrorRate`).
 * Terraform's move-up alarms sit flat in the app stack (`MoveUp-<signal>`) where CloudFormation's
 * sit in a `MoveUp` scope (`<signal>`): both read `<signal>`.
 */
export function alarmTitle(constructId: string): string {
  return constructId.replace(/^MoveUp-/, '').replace(/Alarm$/, '');
}
