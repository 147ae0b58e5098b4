/** The box of stages 1 and 2 (and of stage 3's first deploy with `keepBox`). */
import { makeUniqueId } from 'cdktf/lib/private/unique';
import { stageLabel, STAGES } from '../../../core/stages';
import { TfAuroraDatabase } from '../../aurora-database';
import { TfDataVolume } from '../../data-volume';
import { TfSingleBox } from '../../single-box';
import { forgetWhenRemoved } from '../../stack';
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
    // Strict: the subnets assign no public address, and the box needs one until its Elastic IP is associated.
    associatePublicIpAddress: f.config.hardening === 'strict' ? true : undefined,
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

/** The Terraform address of the box's Elastic IP (its path in the app stack: `Box/ElasticIp`). */
export const BOX_ELASTIC_IP_ADDRESS = `aws_eip.${makeUniqueId(['Box', 'ElasticIp'])}`;

/**
 * Once the box is gone (stage 3 on), its Elastic IP stays allocated, as CloudFormation's Retain
 * keeps it: Terraform forgets the address (a `removed` block, Terraform 1.7 or later) instead of
 * releasing it, so the address DNS may still name is not lost. Release it by hand (runbook 2-to-3).
 */
export function retainBoxElasticIp(f: Foundation): void {
  forgetWhenRemoved(f.app, BOX_ELASTIC_IP_ADDRESS);
}
