import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EipAssociation } from '@cdktf/provider-aws/lib/eip-association';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Construct } from 'constructs';
import { DATA_MOUNT } from '../lib/boot/boot-script';
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
      rootBlockDevice: { volumeType: 'gp3', volumeSize: 20, encrypted: true },
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
    const alarm = (id: string, config: Omit<CloudwatchMetricAlarmConfig, 'alarmName' | 'comparisonOperator'>) => {
      const a = new CloudwatchMetricAlarm(this, id, {
        alarmName: `${this.node.path.replace(/\//g, '-')}-${id}`,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        okActions: notify,
        ...config,
        alarmActions: [...(config.alarmActions ?? []), ...notify],
      });
      this.alarms.push(a);
      return a;
    };
    const ec2 = (metricName: string, statistic: string) => ({
      namespace: 'AWS/EC2', metricName, statistic, period: 60, dimensions: { InstanceId: this.instance.id }, treatMissingData: 'breaching',
    });
    const agent = (metricName: string, extra: Record<string, string> = {}) => ({
      namespace: 'CWAgent', metricName, statistic: 'Average', period: 300, dimensions: { InstanceId: this.instance.id, ...extra }, treatMissingData: 'missing',
    });
    alarm('SystemStatusAlarm', {
      ...ec2('StatusCheckFailed_System', 'Maximum'), threshold: 1, evaluationPeriods: 2,
      alarmDescription: 'The host failed its system status check: EC2 recovers the instance onto new hardware',
      alarmActions: [`arn:aws:automate:${props.region}:ec2:recover`],
    });
    alarm('InstanceStatusAlarm', {
      ...ec2('StatusCheckFailed_Instance', 'Maximum'), threshold: 1, evaluationPeriods: 3,
      alarmDescription: 'The instance failed its status check (kernel, boot, network): inspect it through Session Manager',
    });
    alarm('CpuAlarm', {
      ...ec2('CPUUtilization', 'Average'), threshold: 80, evaluationPeriods: 15,
      alarmDescription: 'CPU above 80 % for 15 minutes: the box is the ceiling; time to split the database (stage 2) or grow the instance',
    });
    alarm('MemoryAlarm', {
      ...agent('mem_used_percent'), threshold: 90, evaluationPeriods: 3,
      alarmDescription: 'Memory above 90 % for 15 minutes: the app and the database compete for memory',
    });
    alarm('RootDiskAlarm', { ...agent('disk_used_percent', { path: '/' }), threshold: 85, evaluationPeriods: 1, alarmDescription: 'Root volume above 85 % full' });
    if (localDatabase) {
      alarm('DataDiskAlarm', {
        ...agent('disk_used_percent', { path: DATA_MOUNT }), threshold: 80, evaluationPeriods: 1,
        alarmDescription: 'Database volume above 80 % full: grow the volume (online) or move to stage 2',
      });
    }
  }
}
