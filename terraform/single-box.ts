import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EipAssociation } from '@cdktf/provider-aws/lib/eip-association';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Construct } from 'constructs';
import { ALARMS, SIZES } from '../core/settings';
import { DATA_MOUNT } from '../lib/boot/boot-script';
import { alarmMetric, alarmSettings } from './alarm-topic';
import { tfAppInstance, TfAppInstanceSettings } from './app-instance';

export interface TfSingleBoxProps extends TfAppInstanceSettings {
  /** Public subnet of the box (it has an Elastic IP). */
  readonly subnetId: string;
  /** The box's security group. */
  readonly securityGroupId: string;
  /** Topic notified by the recovery and agent alarms. */
  readonly alarmTopicArn: string;
  /**
   * The data volume the boot script attaches, with its ARN for the policy.
   * @default - no data volume
   */
  readonly dataVolume?: { readonly id: string; readonly arn: string };
  /**
   * A managed database: the secret with its connection settings.
   * @default - PostgreSQL on the box, on `dataVolume`
   */
  readonly database?: { readonly secretArn: string };
  /**
   * A public IPv4 address at launch whatever the subnet's setting: the box installs packages and
   * reports at boot, before its Elastic IP is associated, so in a subnet that assigns none
   * (`TfNetwork`'s `mapPublicIpOnLaunch: false`) it needs this. Changing it replaces the box.
   * @default - the subnet decides
   */
  readonly associatePublicIpAddress?: boolean;
}

/**
 * The box of stage 1, as the CDK `SingleBox`: Amazon Linux 2023 on Graviton from the public SSM
 * parameter when created (or `imageId`), IMDSv2 required, encrypted gp3 root volume, detailed monitoring, Session Manager
 * (no key pair, no SSH), the boot script as user data (a new version replaces the box), an
 * Elastic IP, and alarms: system status (EC2 recovers the instance), instance status, CPU, memory
 * and disks (CloudWatch agent). The boot script attaches the data volume itself.
 */
export class TfSingleBox extends Construct {
  public readonly instance: Instance;
  public readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: TfSingleBoxProps) {
    super(scope, id);
    if (!props.database && !props.dataVolume) {
      throw new Error('TfSingleBox needs dataVolume to run PostgreSQL on the box, or database to use a managed one');
    }
    const base = tfAppInstance(this, {
      app: props.app,
      imageId: props.imageId,
      logRetentionDays: props.logRetentionDays,
      boot: {
        stageLabel: props.stageLabel,
        region: props.region,
        port: props.port,
        dataVolumeId: props.dataVolume?.id,
        database: props.database && { secretArn: props.database.secretArn },
      },
      statements: props.dataVolume && [
        { actions: ['ec2:AttachVolume'], resources: [props.dataVolume.arn] },
        {
          actions: ['ec2:AttachVolume'],
          resources: [`arn:aws:ec2:${props.region}:*:instance/*`],
          condition: [{ test: 'StringEquals', variable: 'aws:ResourceTag/DataVolumeHost', values: [props.dataVolume.id] }],
        },
        { actions: ['ec2:DescribeVolumes'], resources: ['*'] },
      ],
    });
    this.instance = new Instance(this, 'Resource', {
      ami: base.amiId,
      instanceType: props.instanceType,
      subnetId: props.subnetId,
      associatePublicIpAddress: props.associatePublicIpAddress,
      vpcSecurityGroupIds: [props.securityGroupId],
      iamInstanceProfile: base.instanceProfileName,
      metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' },
      monitoring: true,
      rootBlockDevice: { volumeType: 'gp3', volumeSize: SIZES.rootVolumeGiB, encrypted: true },
      userData: base.userData,
      userDataReplaceOnChange: true,
      tags: props.dataVolume ? { DataVolumeHost: props.dataVolume.id } : undefined,
      // A replacement takes the parameter's current AMI; a release alone does not replace the box.
      lifecycle: base.amiFromParameter ? { ignoreChanges: ['ami'] } : undefined,
    });
    const ip = new Eip(this, 'ElasticIp', { domain: 'vpc' });
    new EipAssociation(this, 'ElasticIpAssociation', { allocationId: ip.allocationId, instanceId: this.instance.id });
    this.addAlarms(props, props.dataVolume !== undefined);
  }

  private addAlarms(props: TfSingleBoxProps, localDatabase: boolean) {
    const notify = [props.alarmTopicArn];
    const alarm = (id: string, config: Omit<CloudwatchMetricAlarmConfig, 'alarmName'>) => {
      const a = new CloudwatchMetricAlarm(this, id, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${id}`,
        okActions: notify,
        ...config,
        alarmActions: [...(config.alarmActions ?? []), ...notify],
      });
      this.alarms.push(a);
      return a;
    };
    const settings = ALARMS.singleBox;
    const fromSettings = (id: keyof typeof settings, extraDimensions: Record<string, string> = {}) => ({
      ...alarmMetric(settings[id], { InstanceId: this.instance.id, ...extraDimensions }), ...alarmSettings(settings[id]),
    });
    alarm('SystemStatusAlarm', { ...fromSettings('SystemStatusAlarm'), alarmActions: [`arn:aws:automate:${props.region}:ec2:recover`] });
    alarm('InstanceStatusAlarm', fromSettings('InstanceStatusAlarm'));
    alarm('CpuAlarm', fromSettings('CpuAlarm'));
    alarm('MemoryAlarm', fromSettings('MemoryAlarm'));
    alarm('RootDiskAlarm', fromSettings('RootDiskAlarm', { path: '/' }));
    if (localDatabase) alarm('DataDiskAlarm', fromSettings('DataDiskAlarm', { path: DATA_MOUNT }));
  }
}
