/**
 * The growth ladder: one entry per stage, in order. Engine-free (no CDK imports) so the
 * CloudFormation app, the Terraform app and the CLI read the same definitions.
 */
import { describeAlarm, MOVE_UP_SIGNALS, MoveUpSignal } from './settings';

export interface StageDefinition {
  /** 1-based position on the ladder. */
  readonly number: StageNumber;
  /** Kebab-case name accepted wherever a stage number is. */
  readonly name: string;
  /** What this stage adds to the previous one. */
  readonly adds: string;
  /** The failure mode of the previous stage that this one removes. */
  readonly removes: string;
  /** The signal that says it is time to move to the next stage. */
  readonly moveUpWhen: string;
  /**
   * The CloudWatch alarms the stage carries for its own ceiling, each named
   * `<appName>-move-to-<next stage>-<signal>`.
   */
  readonly moveUpAlarms: readonly MoveUpAlarm[];
}

export interface MoveUpAlarm {
  /** Last part of the alarm's name. */
  readonly signal: string;
  /** What the alarm in ALARM state means (generated from its settings). */
  readonly means: string;
  /** Its metric, statistic, period, threshold and text: `MOVE_UP_SIGNALS` of core/settings.ts. */
  readonly setting: MoveUpSignal;
}

/** The move-up alarms of the stage named `stageName`, in the order of the settings table. */
function moveUpAlarmsOf(stageName: string): MoveUpAlarm[] {
  return Object.entries(MOVE_UP_SIGNALS[stageName]).map(([signal, setting]) => ({ signal, means: describeAlarm(setting), setting }));
}

/** The name of a move-up alarm of `stage`. */
export function moveUpAlarmName(appName: string, stage: StageDefinition, alarm: MoveUpAlarm): string {
  return `${appName}-move-to-${STAGES[stage.number].name}-${alarm.signal}`;
}

export type StageNumber = 1 | 2 | 3 | 4 | 5;

export const STAGES: readonly StageDefinition[] = [
  {
    number: 1,
    name: 'single-box',
    adds: 'one Graviton instance running the app and PostgreSQL; data on its own EBS volume with daily snapshots; Elastic IP; alarms',
    removes: 'nothing yet: the cheapest, fastest thing to ship',
    moveUpWhen: 'CPU or memory stays above 70 % at peak, or the app and database compete for the box',
    moveUpAlarms: moveUpAlarmsOf('single-box'),
  },
  {
    number: 2,
    name: 'split-db',
    adds: 'Aurora PostgreSQL Serverless v2 in isolated subnets (TLS, backups, deletion protection); the box runs only the app',
    removes: 'the app and the database fighting for one machine; one failure taking both down',
    moveUpWhen: 'the single web instance saturates, or its downtime (patching, failure) is no longer acceptable',
    moveUpAlarms: moveUpAlarmsOf('split-db'),
  },
  {
    number: 3,
    name: 'load-balanced',
    adds: 'an Application Load Balancer and an Auto Scaling group over 2 AZs; an Aurora reader in the second AZ',
    removes: 'the single web instance as a single point of failure and a capacity ceiling',
    moveUpWhen: 'database CPU or reader load climbs with traffic, or static content and slow work dominate requests',
    moveUpAlarms: moveUpAlarmsOf('load-balanced'),
  },
  {
    number: 4,
    name: 'cache-cdn',
    adds: 'Valkey cache and sessions, CloudFront with S3 assets and WAF, an SQS queue with workers',
    removes: 'database read load, global latency for static content, slow work in the request path',
    moveUpWhen: 'a regional outage would cost more than running a second region',
    moveUpAlarms: moveUpAlarmsOf('cache-cdn'),
  },
  {
    number: 5,
    name: 'multi-region',
    adds: 'a second region, Aurora Global Database, Route 53 health checks and failover, CloudFront origin failover',
    removes: 'a whole-region outage taking the site down',
    moveUpWhen: 'the top of the ladder: scale each tier within its region',
    moveUpAlarms: moveUpAlarmsOf('multi-region'),
  },
];

/**
 * The label app instances show and log: `3 load-balanced`, and in stage 5's second region
 * `5 multi-region (us-west-2)`. Both engines write it into the boot settings.
 */
export function stageLabel(stage: StageDefinition, secondaryRegion?: string): string {
  return `${stage.number} ${stage.name}${secondaryRegion ? ` (${secondaryRegion})` : ''}`;
}

/** Accepted spellings of a stage, for error messages. */
export const STAGE_CHOICES = `1-5 or ${STAGES.map((s) => s.name).join(', ')}`;

/** The stage for a number or name, or undefined when there is none. */
export function findStage(value: string | number): StageDefinition | undefined {
  const text = String(value).trim();
  return STAGES.find((s) => String(s.number) === text || s.name === text);
}
