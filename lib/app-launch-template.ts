import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AppInstanceRole } from './app-instance-role';
import { AppInstanceOptions, BootOptions, bootUserData } from './boot/user-data';

export interface AppLaunchTemplateProps extends AppInstanceOptions {
  /** Security group of the instances. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** What the boot script connects the app to, and how it checks it started. */
  readonly boot: Pick<BootOptions, 'database' | 'cache' | 'queueUrl' | 'healthCheck'>;
}

export interface AppLaunchTemplate {
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly role: iam.Role;
  readonly userData: ec2.UserData;
  readonly appLogGroup: logs.LogGroup;
  readonly systemLogGroup: logs.LogGroup;
}

/**
 * The launch template of an Auto Scaling group of app instances, with its role and log groups,
 * created in `scope` under fixed IDs (AppLogGroup, SystemLogGroup, InstanceRole, AppPackage,
 * LaunchTemplate): Amazon Linux 2023 on Graviton, IMDSv2, encrypted gp3 root volume, detailed
 * monitoring, the boot script as user data.
 */
export function appLaunchTemplate(scope: Construct, props: AppLaunchTemplateProps): AppLaunchTemplate {
  const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
  const appLogGroup = new logs.LogGroup(scope, 'AppLogGroup', { retention, removalPolicy: RemovalPolicy.RETAIN });
  const systemLogGroup = new logs.LogGroup(scope, 'SystemLogGroup', { retention, removalPolicy: RemovalPolicy.RETAIN });
  const { role } = new AppInstanceRole(scope, 'InstanceRole', { logGroups: [appLogGroup, systemLogGroup] });
  const userData = bootUserData(scope, {
    ...props.boot,
    app: props.app,
    role,
    port: props.port,
    stageLabel: props.stageLabel,
    region: Stack.of(scope).region,
    appLogGroup,
    systemLogGroup,
  });
  const launchTemplate = new ec2.LaunchTemplate(scope, 'LaunchTemplate', {
    role,
    instanceType: props.instanceType,
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
    securityGroup: props.securityGroup,
    userData,
    requireImdsv2: true,
    detailedMonitoring: true,
    blockDevices: [{
      deviceName: '/dev/xvda',
      volume: ec2.BlockDeviceVolume.ebs(20, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true }),
    }],
  });
  return { launchTemplate, role, userData, appLogGroup, systemLogGroup };
}
