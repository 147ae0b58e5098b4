/**
 * Which stage fits a workload: one table of thresholds (documented, with sources, in
 * docs/capacity.md) and the rules that read it. Engine-free.
 */
import { STAGES, StageNumber } from './stages';

export interface Workload {
  /** Peak requests per second. */
  readonly rps?: number;
  /** Target p99 latency in milliseconds, as users see it. */
  readonly p99Ms?: number;
  /** Database CPU at that load, in percent, where it is known. */
  readonly dbCpu?: number;
  /** Target availability in percent, e.g. 99.9. */
  readonly availability?: number;
  /** Regions the site must be served from (or survive the loss of one of). */
  readonly regions?: number;
}

export interface Threshold {
  readonly id: string;
  /** The stage this threshold calls for once crossed. */
  readonly stage: StageNumber;
  readonly value: number;
  readonly unit: string;
  readonly rule: string;
  /** True when `workload` crosses `value`. */
  readonly crossedBy: (workload: Required<Workload>, value: number) => boolean;
}

/** The thresholds, in the order the rules apply them. docs/capacity.md gives the sources. */
export const THRESHOLDS: readonly Threshold[] = [
  {
    id: 'rps-split-db', stage: 2, value: 50, unit: 'requests/s',
    rule: 'above this, app and database on one t4g.small compete for CPU', crossedBy: (w, v) => w.rps > v,
  },
  {
    id: 'rps-load-balanced', stage: 3, value: 100, unit: 'requests/s',
    rule: 'above this, one app instance is the ceiling', crossedBy: (w, v) => w.rps > v,
  },
  {
    id: 'rps-cache-cdn', stage: 4, value: 2000, unit: 'requests/s',
    rule: 'above this, database reads and static content dominate', crossedBy: (w, v) => w.rps > v,
  },
  {
    id: 'db-cpu-split-db', stage: 2, value: 70, unit: '% database CPU',
    rule: 'the database needs a machine of its own', crossedBy: (w, v) => w.dbCpu >= v,
  },
  {
    id: 'db-cpu-cache', stage: 4, value: 70, unit: '% database CPU above 100 requests/s',
    rule: 'reads need a cache in front of the database', crossedBy: (w, v) => w.dbCpu >= v && w.rps > 100,
  },
  {
    id: 'p99-cdn', stage: 4, value: 100, unit: 'ms p99 target or lower',
    rule: 'static content and cached reads must be served close to users', crossedBy: (w, v) => w.p99Ms <= v,
  },
  {
    id: 'availability-multi-az', stage: 3, value: 99.5, unit: '% target above',
    rule: 'more than one instance, in more than one AZ', crossedBy: (w, v) => w.availability > v,
  },
  {
    id: 'availability-multi-region', stage: 5, value: 99.95, unit: '% target above',
    rule: "more than one region: one region's SLAs compose to about 99.97 % before the app's own failures, too little room under a target above 99.95 %", crossedBy: (w, v) => w.availability > v,
  },
  {
    id: 'regions', stage: 5, value: 2, unit: 'regions or more',
    rule: 'a second region with Aurora Global Database and DNS failover', crossedBy: (w, v) => w.regions >= v,
  },
];

export interface Advice {
  readonly stage: StageNumber;
  readonly name: string;
  /** Why, one line per threshold crossed, or why stage 1 suffices. */
  readonly reasons: string[];
  /** What to watch next at that stage. */
  readonly nextBottleneck: string;
}

export function advise(workload: Workload): Advice {
  // What is not given crosses nothing.
  const w: Required<Workload> = {
    rps: workload.rps ?? 0, p99Ms: workload.p99Ms ?? Infinity, dbCpu: workload.dbCpu ?? 0,
    availability: workload.availability ?? 0, regions: workload.regions ?? 1,
  };
  const hits = THRESHOLDS.filter((t) => t.crossedBy(w, t.value));
  const stage = Math.max(1, ...hits.map((h) => h.stage)) as StageNumber;
  const definition = STAGES[stage - 1];
  return {
    stage,
    name: definition.name,
    reasons: hits.length
      ? hits.map((h) => `${describe(h, workload)} -> stage ${h.stage}: ${h.rule}`)
      : ['no threshold crossed: one box is the cheapest thing that works'],
    nextBottleneck: definition.moveUpWhen,
  };
}

function describe(threshold: Threshold, w: Workload): string {
  switch (threshold.id.split('-')[0]) {
    case 'rps': return `${w.rps} requests/s > ${threshold.value}`;
    case 'db': return `database CPU ${w.dbCpu} % >= ${threshold.value} %`;
    case 'p99': return `p99 target ${w.p99Ms} ms <= ${threshold.value} ms`;
    case 'availability': return `availability target ${w.availability} % > ${threshold.value} %`;
    default: return `${w.regions} regions`;
  }
}
