import { Names, RemovalPolicy, Size, Tags, Validations } from 'aws-cdk-lib';
import * as dlm from 'aws-cdk-lib/aws-dlm';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SIZES, WINDOWS } from '../core/settings';

export interface DataVolumeProps {
  /** The AZ of the instance that mounts the volume. */
  readonly availabilityZone: string;
  /**
   * Size of the volume.
   * @default - `SIZES.dataVolumeGiB` of core/settings.ts (20 GiB)
   */
  readonly size?: Size;
  /**
   * Daily snapshots kept by Data Lifecycle Manager.
   * @default - `SIZES.volumeSnapshotsRetained` of core/settings.ts (7)
   */
  readonly snapshotsRetained?: number;
  /**
   * What happens to the volume when it leaves the template.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * An encrypted gp3 volume for data that must outlive the instance using it, with daily
 * snapshots by Data Lifecycle Manager and a final snapshot when it is removed.
 */
export class DataVolume extends Construct {
  public readonly volume: ec2.Volume;
  public readonly snapshotPolicy: dlm.CfnLifecyclePolicy;

  constructor(scope: Construct, id: string, props: DataVolumeProps) {
    super(scope, id);
    this.volume = new ec2.Volume(this, 'Resource', {
      availabilityZone: props.availabilityZone,
      size: props.size ?? Size.gibibytes(SIZES.dataVolumeGiB),
      volumeType: ec2.EbsDeviceVolumeType.GP3,
      encrypted: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.SNAPSHOT,
    });

    // DLM selects volumes by tag; a value unique to this construct keeps two apps' policies apart.
    const targetTag = { key: 'DailySnapshot', value: Names.uniqueResourceName(this, { maxLength: 64 }) };
    Tags.of(this.volume).add(targetTag.key, targetTag.value);

    const role = new iam.Role(this, 'SnapshotRole', {
      assumedBy: new iam.ServicePrincipal('dlm.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSDataLifecycleManagerServiceRole')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole]',
      reason: 'the AWS-maintained service role policy for Data Lifecycle Manager snapshots, kept current by AWS as DLM changes',
    });
    this.snapshotPolicy = new dlm.CfnLifecyclePolicy(this, 'SnapshotPolicy', {
      description: 'Daily snapshots of the data volume',
      state: 'ENABLED',
      executionRoleArn: role.roleArn,
      policyDetails: {
        policyType: 'EBS_SNAPSHOT_MANAGEMENT',
        resourceTypes: ['VOLUME'],
        targetTags: [targetTag],
        schedules: [{
          name: 'Daily',
          createRule: { interval: WINDOWS.volumeSnapshotIntervalHours, intervalUnit: 'HOURS', times: [WINDOWS.volumeSnapshotTime] },
          retainRule: { count: props.snapshotsRetained ?? SIZES.volumeSnapshotsRetained },
          copyTags: true,
        }],
      },
    });
  }
}
