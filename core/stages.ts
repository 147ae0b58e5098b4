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
  /** What the stage is made of: both engines render it (stages/index.ts, terraform/stages/index.ts). */
  readonly recipe: StageRecipe;
}

/**
 * The components of a stage, per region. Every stage has the network, data and app stacks with
 * the alarm topic and a dashboard of all its alarms (plus its move-up alarms); the rest is here.
 * The engines render a recipe with the placements of stages/place/ and terraform/stages/place/.
 */
export interface StageRecipe {
  /**
   * Who serves users: the box through its Elastic IP (public subnets, no NAT gateway: nothing
   * private needs egress); a load balancer and an Auto Scaling group open to the internet; or a
   * load balancer only CloudFront reaches, with Valkey, the job queue and its workers, the assets
   * bucket and the us-east-1 edge stack (CloudFront and WAF).
   */
  readonly serving: 'box' | 'load-balancer' | 'cloudfront';
  /**
   * The stage-1 volume of PostgreSQL's files: the box's while it serves (at stage 2 the source of
   * the one-time copy into Aurora), then kept with its daily snapshots so that no stack deletes a
   * volume the previous stage's box may still hold. Absent: retired with a final snapshot.
   */
  readonly dataVolume?: boolean;
  /** Aurora PostgreSQL with this many readers beside the writer. Absent: PostgreSQL runs on the box. */
  readonly auroraReaders?: number;
  /**
   * The serving footprint again in `secondaryRegion`: the cluster becomes the primary of a global
   * database whose secondary cluster the second region reads and writes through (global write
   * forwarding; migrations run in the primary only), CloudFront fails reads over between the
   * regions' load balancers and sends writes to Route 53's failover name with a hosted zone.
   */
  readonly secondRegion?: boolean;
  /**
   * A data-stack value the previous stage's app stack read (CloudFormation passes it as an export)
   * and this stage no longer does: published still, so the update removes the reader before the
   * export. Terraform reads state, not exports, and ignores it.
   */
  readonly keepsPublished?: 'data-volume' | 'aurora-cluster' | 'cache';
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
    adds: 'one Graviton instance running the app and PostgreSQL; data on its own encrypted EBS volume with daily snapshots; Elastic IP; alarms',
    removes: 'nothing yet: the cheapest, fastest thing to ship',
    moveUpWhen: 'CPU or memory stays above 70 % at peak, or the app and database compete for the box',
    moveUpAlarms: moveUpAlarmsOf('single-box'),
    recipe: { serving: 'box', dataVolume: true },
  },
  {
    number: 2,
    name: 'split-db',
    adds: 'Aurora PostgreSQL Serverless v2 in isolated subnets (TLS only, backups, deletion protection); the box runs only the app',
    removes: 'the app and the database fighting for one machine; one failure taking both down',
    moveUpWhen: 'the single web instance saturates, or its downtime (patching, failure) is no longer acceptable',
    moveUpAlarms: moveUpAlarmsOf('split-db'),
    recipe: { serving: 'box', dataVolume: true, auroraReaders: 0 },
  },
  {
    number: 3,
    name: 'load-balanced',
    adds: 'an Application Load Balancer and an Auto Scaling group over 2 AZs; an Aurora reader in the second AZ',
    removes: 'the single web instance as a single point of failure and a capacity ceiling',
    moveUpWhen: 'database CPU or reader load climbs with traffic, or static content and slow work dominate requests',
    moveUpAlarms: moveUpAlarmsOf('load-balanced'),
    recipe: { serving: 'load-balancer', dataVolume: true, auroraReaders: 1, keepsPublished: 'data-volume' },
  },
  {
    number: 4,
    name: 'cache-cdn',
    adds: 'Valkey cache and sessions, CloudFront with S3 assets and WAF, an SQS queue with workers',
    removes: 'database read load, global latency for static content, slow work in the request path',
    moveUpWhen: 'a regional outage would cost more than running a second region',
    moveUpAlarms: moveUpAlarmsOf('cache-cdn'),
    recipe: { serving: 'cloudfront', auroraReaders: 1, keepsPublished: 'aurora-cluster' },
  },
  {
    number: 5,
    name: 'multi-region',
    adds: 'a second region on its own address range, Aurora Global Database with write forwarding, Route 53 health checks and failover, CloudFront origin failover',
    removes: 'a whole-region outage taking the site down',
    moveUpWhen: 'the top of the ladder: scale each tier within its region',
    moveUpAlarms: moveUpAlarmsOf('multi-region'),
    recipe: { serving: 'cloudfront', auroraReaders: 1, secondRegion: true, keepsPublished: 'cache' },
  },
];

/**
 * What keeps `recipe` from being rendered, one line each: the combinations both renderers rely on.
 * Every stage of the ladder is checked when this module loads.
 */
export function recipeProblems(recipe: StageRecipe): string[] {
  const problems: string[] = [];
  const aurora = recipe.auroraReaders !== undefined;
  if (recipe.serving === 'box' && !recipe.dataVolume) problems.push('serving "box" needs dataVolume: the box keeps PostgreSQL, or the copy into Aurora, on it');
  if (recipe.serving !== 'box' && !aurora) problems.push(`serving "${recipe.serving}" needs auroraReaders: a group of instances shares one database`);
  if (recipe.secondRegion && (recipe.serving !== 'cloudfront' || !aurora)) problems.push('secondRegion needs serving "cloudfront" and Aurora: CloudFront fails over between the regions, the global database joins them');
  const published = { 'data-volume': recipe.dataVolume, 'aurora-cluster': aurora, 'cache': recipe.serving === 'cloudfront' };
  if (recipe.keepsPublished && !published[recipe.keepsPublished]) problems.push(`keepsPublished "${recipe.keepsPublished}" names a component the recipe does not have`);
  return problems;
}

for (const stage of STAGES) {
  const problems = recipeProblems(stage.recipe);
  if (problems.length) throw new Error(`stage ${stage.number} ${stage.name}: ${problems.join('; ')}`);
}

/**
 * The label app instances show and log: `3 load-balanced`, and in stage 5's second region
 * `5 multi-region (us-west-2)`. Both engines write it into the boot settings.
 */
export function stageLabel(stage: StageDefinition, secondaryRegion?: string): string {
  return `${stage.number} ${stage.name}${secondaryRegion ? ` (${secondaryRegion})` : ''}`;
}

/** Accepted spellings of a stage, for error messages. */
export const STAGE_CHOICES = `a number from 1 to 5, or a name: ${STAGES.map((s) => s.name).join(', ')}`;

/** The stage for a number or name, or undefined when there is none. */
export function findStage(value: string | number): StageDefinition | undefined {
  const text = String(value).trim();
  return STAGES.find((s) => String(s.number) === text || s.name === text);
}
