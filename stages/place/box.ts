/** The box of stages 1 and 2 (and of stage 3's first deploy with `keepBox`), in the app stack. */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { APP_PORT } from '../../core/naming';
import { stageLabel, STAGES } from '../../core/stages';
import { AuroraDatabase } from '../../lib/aurora-database';
import { DatabaseConnection } from '../../lib/app-instance';
import { DataVolume } from '../../lib/data-volume';
import { SingleBox } from '../../lib/single-box';
import { referenceApp } from '../reference-app';
import { Foundation, isStrict, machineImage, openToInternet } from './foundation';

export interface SingleBoxOptions {
  /** @default - no data volume (PostgreSQL is elsewhere) */
  readonly dataVolume?: DataVolume;
  /** @default - PostgreSQL on the box, on its data volume */
  readonly database?: DatabaseConnection;
  /**
   * The label in the box's user data: a change replaces the box.
   * @default - the foundation's stage label
   */
  readonly stageLabel?: string;
}

export function singleBox(f: Foundation, options: SingleBoxOptions): SingleBox {
  return new SingleBox(f.app, 'Box', {
    vpc: f.vpc,
    app: referenceApp(),
    port: APP_PORT,
    instanceType: new ec2.InstanceType(f.config.instanceType),
    machineImage: machineImage(f),
    securityGroup: f.appSecurityGroup,
    dataVolume: options.dataVolume?.volume,
    database: options.database,
    alarmTopic: f.alarmTopic.topic,
    stageLabel: options.stageLabel ?? f.stageLabel,
    logRetention: f.logRetention,
    // Strict: the subnets assign no public address, and the box needs one to boot (its Elastic
    // IP is associated only once it has signalled); its launch template records its monitoring.
    ...(isStrict(f.config) ? { associatePublicIpAddress: true, launchTemplateMonitoring: true } : {}),
  });
}

/** How the stage-2 box connects to the database; stage 3 keeps it unchanged while DNS moves (`keepBox`). */
export function boxDatabase(db: AuroraDatabase): DatabaseConnection {
  return { secret: db.cluster.secret! };
}

/**
 * Stage 3's first deploy with `keepBox` (docs/migrations/2-to-3.md): the stage-2 box exactly as
 * stage 2 built it (same IDs and properties, its stage label included, so nothing replaces it),
 * its Elastic IP and its internet rules, serving while DNS moves to the load balancer. The
 * second deploy, without `keepBox`, removes them.
 */
export function keptStage2Box(f: Foundation, volume: DataVolume, db: AuroraDatabase): SingleBox {
  openToInternet(f);
  const stage2 = STAGES[1];
  return singleBox(f, { dataVolume: volume, database: boxDatabase(db), stageLabel: stageLabel(stage2) });
}
