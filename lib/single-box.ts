import { AspectPriority, Aspects, Duration, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARMS, SIZES } from '../core/settings';
import { metricOptions, settingAlarm } from './alarms';
import { amazonLinux2023Arm64, AppInstanceOptions, AppInstanceRole, bootUserData, DATA_MOUNT, DatabaseConnection } from './app-instance';

export interface SingleBoxProps extends AppInstanceOptions {
  /** VPC whose first public subnet holds the instance. */
  readonly vpc: ec2.IVpc;
  /** Security group of the instance; the caller decides who reaches it. */
  readonly securityGroup: ec2.ISecurityGroup;
  /**
   * Volume holding PostgreSQL's files, in the AZ of the first public subnet. When set the box
   * runs PostgreSQL on it; the boot script attaches it, so a replaced instance takes it over.
   * @default - no local database
   */
  readonly dataVolume?: ec2.IVolume;
  /**
   * The managed database the app uses instead of a local one.
   * @default - the local database on `dataVolume`
   */
  readonly database?: DatabaseConnection;
  /**
   * Image of the box, for Graviton (arm64). Pin one (`ec2.MachineImage.genericLinux`) so that an
   * image update is a deliberate change; a new image replaces the box.
   * @default - the latest Amazon Linux 2023 arm64 image when the instance is created or replaced;
   * a new release alone does not replace it (see `amazonLinux2023Arm64`)
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Gives the instance a public IPv4 address at launch whatever its subnet's setting. The box
   * installs packages and signals CloudFormation at boot, before its Elastic IP is associated (the
   * association waits for that signal): in a subnet that assigns no public addresses
   * (`Network`'s `mapPublicIpOnLaunch: false`) it needs this to reach the internet at all. The
   * Elastic IP then takes the address's place. Changing it replaces the box.
   * @default - the subnet decides (a public subnet of `ec2.Vpc` assigns an address)
   */
  readonly associatePublicIpAddress?: boolean;
  /**
   * Records detailed monitoring in the launch template that carries the box's IMDSv2 setting, as
   * well as on the instance (AWS Control Tower's CT.EC2.PR.10 reads it there). Monitoring is the
   * same either way; changing it replaces the box.
   * @default false - detailed monitoring is set on the instance only
   */
  readonly launchTemplateMonitoring?: boolean;
}

/**
 * One instance that serves the app behind an Elastic IP: Amazon Linux 2023 on
 * Graviton (the public SSM parameter's AMI when created, or the given image), IMDSv2 only, encrypted root volume, Session
 * Manager instead of SSH, CloudWatch agent for memory and disk, auto-recovery on a failed system
 * status check, and alarms for CPU, memory, disk and status checks.
 *
 * Any change to the boot configuration replaces the instance; the data lives on `dataVolume`,
 * which the new instance attaches once the old one has been terminated.
 */
export class SingleBox extends Construct {
  public readonly instance: ec2.Instance;
  public readonly elasticIp: ec2.CfnEIP;
  public readonly appLogGroup: logs.LogGroup;
  public readonly systemLogGroup: logs.LogGroup;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: SingleBoxProps) {
    super(scope, id);
    if (!props.dataVolume && !props.database) {
      throw new Error('SingleBox needs a dataVolume (local PostgreSQL) or a database (managed): set one of them');
    }
    const retention = props.logRetention ?? SIZES.logRetentionDays as logs.RetentionDays;
    this.appLogGroup = new logs.LogGroup(this, 'AppLogGroup', { retention, removalPolicy: RemovalPolicy.RETAIN });
    this.systemLogGroup = new logs.LogGroup(this, 'SystemLogGroup', { retention, removalPolicy: RemovalPolicy.RETAIN });

    const { role } = new AppInstanceRole(this, 'InstanceRole', { logGroups: [this.appLogGroup, this.systemLogGroup] });
    const userData = bootUserData(this, {
      app: props.app,
      role,
      port: props.port,
      stageLabel: props.stageLabel,
      region: Stack.of(this).region,
      appLogGroup: this.appLogGroup,
      systemLogGroup: this.systemLogGroup,
      dataVolume: props.dataVolume,
      database: props.database,
      cloudFormationSignal: { stackName: Stack.of(this).stackName },
    });

    this.instance = new ec2.Instance(this, 'Resource', {
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC, availabilityZones: [props.vpc.availabilityZones[0]] },
      instanceType: props.instanceType,
      machineImage: props.machineImage ?? amazonLinux2023Arm64(),
      securityGroup: props.securityGroup,
      role,
      userData,
      userDataCausesReplacement: true,
      // The boot script signals: a box whose app never starts fails the deploy (and rolls back)
      // instead of reporting success.
      resourceSignalTimeout: Duration.minutes(30),
      requireImdsv2: true,
      detailedMonitoring: true,
      associatePublicIpAddress: props.associatePublicIpAddress,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs(SIZES.rootVolumeGiB, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true }),
      }],
    });
    if (props.launchTemplateMonitoring) {
      // The launch template exists only once aws-cdk-lib's IMDSv2 aspect (mutating priority) has run.
      Aspects.of(this.instance).add({
        visit: (node) => {
          if (node instanceof ec2.CfnLaunchTemplate) node.addPropertyOverride('LaunchTemplateData.Monitoring.Enabled', true);
        },
      }, { priority: AspectPriority.DEFAULT });
    }
    // The boot script names its resource in the signal by the aws:cloudformation:logical-id tag.
    const describeTags = new iam.Policy(this, 'DescribeTagsPolicy', {
      statements: [new iam.PolicyStatement({ actions: ['ec2:DescribeTags'], resources: ['*'] })],
    });
    role.attachInlinePolicy(describeTags);
    // IAM is eventually consistent: the box boots only once the policies it needs exist.
    this.instance.node.addDependency(describeTags);
    Validations.of(describeTags).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ec2:DescribeTags supports no resource-level permissions; the box reads only its own logical-ID tag for its CloudFormation signal' });
    if (props.dataVolume) this.allowAttach(props.dataVolume);
    if (props.database) props.database.secret.grantRead(role);

    this.elasticIp = new ec2.CfnEIP(this, 'ElasticIp', { domain: 'vpc' });
    // The address is what DNS points at: keep it when the box is retired, release it by hand.
    this.elasticIp.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new ec2.CfnEIPAssociation(this, 'ElasticIpAssociation', {
      allocationId: this.elasticIp.attrAllocationId,
      instanceId: this.instance.instanceId,
    });

    this.addAlarms(props.alarmTopic, props.dataVolume !== undefined);

    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-EC29',
      reason: 'CloudFormation replaces this instance whenever its boot configuration changes, which termination protection would block; its state is on the data volume (Snapshot policy) and it recovers automatically on a failed status check',
    });
  }

  /** Lets the boot script attach the volume to this instance, and to nothing else. */
  private allowAttach(volume: ec2.IVolume) {
    const hostTag = { key: 'DataVolumeHost', value: volume.volumeId };
    Tags.of(this.instance).add(hostTag.key, hostTag.value);
    const stack = Stack.of(this);
    const policy = new iam.Policy(this, 'AttachVolumePolicy', {
      statements: [
        new iam.PolicyStatement({
          actions: ['ec2:AttachVolume'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: volume.volumeId })],
        }),
        new iam.PolicyStatement({
          actions: ['ec2:AttachVolume'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
          conditions: { StringEquals: { [`aws:ResourceTag/${hostTag.key}`]: hostTag.value } },
        }),
        new iam.PolicyStatement({ actions: ['ec2:DescribeVolumes'], resources: ['*'] }),
      ],
    });
    this.instance.role.attachInlinePolicy(policy);
    this.instance.node.addDependency(policy);
    const literal = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
    Validations.of(policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:${literal(stack.partition, 'Partition')}:ec2:${literal(stack.region, 'Region')}:<AWS::AccountId>:instance/*]`,
        reason: 'the instance ID is unknown until the instance exists; the condition limits it to instances tagged as this volume\'s host',
      },
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ec2:DescribeVolumes supports no resource-level permissions' },
    );
  }

  private addAlarms(topic: sns.ITopic, localDatabase: boolean) {
    const settings = ALARMS.singleBox;
    const alarm = (id: keyof typeof settings, extraDimensions: Record<string, string> = {}) => {
      const setting = settings[id];
      const metric = new cloudwatch.Metric({
        namespace: setting.metric.namespace, metricName: setting.metric.name,
        dimensionsMap: { InstanceId: this.instance.instanceId, ...extraDimensions }, ...metricOptions(setting),
      });
      const a = settingAlarm(this, id, topic, setting, metric);
      this.alarms.push(a);
      return a;
    };

    alarm('SystemStatusAlarm').addAlarmAction(new actions.Ec2Action(actions.Ec2InstanceAction.RECOVER));
    alarm('InstanceStatusAlarm');
    alarm('CpuAlarm');
    alarm('MemoryAlarm');
    alarm('RootDiskAlarm', { path: '/' });
    if (localDatabase) alarm('DataDiskAlarm', { path: DATA_MOUNT });
  }
}
