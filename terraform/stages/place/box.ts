/** The box of stages 1 and 2 (and of stage 3's first deploy with `keepBox`). */
import { stageLabel, STAGES } from '../../../core/stages';
import { TfAuroraDatabase } from '../../aurora-database';
import { TfDataVolume } from '../../data-volume';
import { TfSingleBox } from '../../single-box';
import { Foundation, instanceSettings, openToInternet } from './foundation';

export interface SingleBoxOptions {
  readonly volume: TfDataVolume;
  /** @default - PostgreSQL on the box, on its data volume */
  readonly database?: TfAuroraDatabase;
  /** @default - the stage's label */
  readonly stageLabel?: string;
}

export function singleBox(f: Foundation, options: SingleBoxOptions): TfSingleBox {
  return new TfSingleBox(f.app, 'Box', {
    subnetId: f.net.subnetIds.Public[0],
    securityGroupId: f.appSecurityGroup.id,
    ...instanceSettings(f),
    ...options.stageLabel ? { stageLabel: options.stageLabel } : {},
    dataVolume: { id: options.volume.volume.id, arn: options.volume.volume.arn },
    database: options.database && { secretArn: options.database.secret.arn },
  });
}

/**
 * The stage-2 box exactly as stage 2 declares it (same addresses and arguments, its stage label
 * included, so nothing is replaced) with its internet rules, beside the load balancer.
 */
export function keptStage2Box(f: Foundation, volume: TfDataVolume, db: TfAuroraDatabase): TfSingleBox {
  openToInternet(f);
  const stage2 = STAGES[1];
  return singleBox(f, { volume, database: db, stageLabel: stageLabel(stage2) });
}
