import { CfnDynamicReference, CfnDynamicReferenceService, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';
import { AppInstanceRole } from './app-instance-role';
import { AppInstanceOptions, BootOptions, bootUserData } from './boot/user-data';
import { AL2023_ARM64_PARAMETER } from '../core/naming';

/** AWS's public SSM parameter holding the latest Amazon Linux 2023 AMI for Graviton (defined once in core/naming). */
export { AL2023_ARM64_PARAMETER };

/**
 * The latest Amazon Linux 2023 arm64 image, read through a CloudFormation dynamic reference
 * (`{{resolve:ssm:...}}`). CloudFormation resolves it when the resource that holds it is created
 * or its properties change, and does not re-read it on later deploys: a new Amazon Linux release
 * moves no instance until the code changes. (`MachineImage.latestAmazonLinux2023()` and
 * `MachineImage.fromSsmParameter()` write a template parameter of type
 * `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` instead, which every deploy re-resolves, so a
 * release replaces the box and rolls every group on an unrelated deploy.)
 */
export function amazonLinux2023Arm64(): ec2.IMachineImage {
  return {
    getImage: () => ({
      imageId: new CfnDynamicReference(CfnDynamicReferenceService.SSM, AL2023_ARM64_PARAMETER).toString(),
      osType: ec2.OperatingSystemType.LINUX,
      userData: ec2.UserData.forLinux(),
    }),
  };
}

export interface AppLaunchTemplateProps extends AppInstanceOptions {
  /** Security group of the instances. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** What the boot script connects the app to, and how it checks it started. */
  readonly boot: Pick<BootOptions, 'database' | 'cache' | 'queueUrl' | 'healthCheck'>;
  /**
   * Image of the instances, for Graviton (arm64). Pin one (`ec2.MachineImage.genericLinux`) to
   * move the fleet only by a deliberate change.
   * @default - the latest Amazon Linux 2023 arm64 image when the launch template is created or
   * changed; a new release alone moves nothing (see `amazonLinux2023Arm64`)
   */
  readonly machineImage?: ec2.IMachineImage;
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
 * LaunchTemplate): Amazon Linux 2023 on Graviton (or the given image), IMDSv2, encrypted gp3 root volume, detailed
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
    machineImage: props.machineImage ?? amazonLinux2023Arm64(),
    securityGroup: props.securityGroup,
    userData,
    requireImdsv2: true,
    detailedMonitoring: true,
    blockDevices: [{
      deviceName: '/dev/xvda',
      volume: ec2.BlockDeviceVolume.ebs(SIZES.rootVolumeGiB, { volumeType: ec2.EbsDeviceVolumeType.GP3, encrypted: true }),
    }],
  });
  return { launchTemplate, role, userData, appLogGroup, systemLogGroup };
}
