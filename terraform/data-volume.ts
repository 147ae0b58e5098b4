import { Token } from 'cdktf';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { SIZES, WINDOWS } from '../core/settings';

export interface TfDataVolumeProps {
  /** AZ of the volume: the instance that attaches it must be in it. */
  readonly availabilityZone: string;
  /** Size in GiB (gp3: 1 to 16384). */
  readonly sizeGb: number;
  /** DLM selects the volume by this tag value; unique per app. */
  readonly snapshotTag: string;
  /**
   * Daily snapshots kept.
   * @default - `SIZES.volumeSnapshotsRetained` of core/settings.ts (7)
   */
  readonly snapshotsRetained?: number;
}

/**
 * The volume of stage 1's PostgreSQL, as the CDK `DataVolume`: encrypted gp3, `prevent_destroy`
 * (Terraform refuses a plan that would delete it), daily snapshots by Data Lifecycle Manager.
 */
export class TfDataVolume extends Construct {
  public readonly volume: EbsVolume;

  constructor(scope: Construct, id: string, props: TfDataVolumeProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.sizeGb) && (!Number.isInteger(props.sizeGb) || props.sizeGb < 1 || props.sizeGb > 16384)) {
      throw new Error(`TfDataVolume sizeGb must be a whole number of GiB from 1 to 16384 (gp3), got ${props.sizeGb}`);
    }
    const retained = props.snapshotsRetained ?? SIZES.volumeSnapshotsRetained;
    if (!Number.isInteger(retained) || retained < 1 || retained > 1000) {
      throw new Error(`TfDataVolume snapshotsRetained must be a whole number from 1 to 1000 (DLM), got ${retained}`);
    }
    this.volume = new EbsVolume(this, 'Resource', {
      availabilityZone: props.availabilityZone,
      size: props.sizeGb,
      type: 'gp3',
      encrypted: true,
      finalSnapshot: true,
      tags: { DailySnapshot: props.snapshotTag },
      // Its zone comes from the network's live zone list: placed once, kept (as the subnets).
      lifecycle: { preventDestroy: true, ignoreChanges: ['availability_zone'] },
    });
    const role = new IamRole(this, 'SnapshotRole', {
      assumeRolePolicy: new DataAwsIamPolicyDocument(this, 'SnapshotAssume', {
        statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['dlm.amazonaws.com'] }] }],
      }).json,
    });
    new IamRolePolicyAttachment(this, 'SnapshotRolePolicy', {
      role: role.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole',
    });
    new DlmLifecyclePolicy(this, 'SnapshotPolicy', {
      description: 'Daily snapshots of the data volume',
      state: 'ENABLED',
      executionRoleArn: role.arn,
      policyDetails: {
        resourceTypes: ['VOLUME'],
        targetTags: { DailySnapshot: props.snapshotTag },
        schedule: [{
          name: 'Daily',
          createRule: { interval: WINDOWS.volumeSnapshotIntervalHours, intervalUnit: 'HOURS', times: [WINDOWS.volumeSnapshotTime] },
          retainRule: { count: props.snapshotsRetained ?? SIZES.volumeSnapshotsRetained },
          copyTags: true,
        }],
      },
    });
  }
}
