import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingNotification } from '@cdktf/provider-aws/lib/autoscaling-notification';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Fn, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import { AL2023_ARM64_PARAMETER, SIZES } from '../core/settings';
import { BootSettings, bootScriptLines } from '../lib/boot/boot-script';
import { TfAppPackage } from './app-package';

/** What every construct running the app takes (the Terraform side of CDK's `AppInstanceOptions`). */
export interface TfAppInstanceSettings {
  /** Graviton instance type. */
  readonly instanceType: string;
  readonly region: string;
  /** Folder of the bundled app and its start command. */
  readonly app: { readonly path: string; readonly startCommand: string };
  /** Port the app listens on. */
  readonly port: number;
  /** Shown by the app and written to the boot log. */
  readonly stageLabel: string;
  readonly logRetentionDays: number;
  /**
   * AMI of the instances (Graviton, arm64): an update is a deliberate change of this value.
   * @default - the public parameter's latest Amazon Linux 2023 AMI when the instance or launch
   * template is created; later releases are ignored (`lifecycle.ignore_changes`)
   */
  readonly imageId?: string;
}

export interface TfAppInstanceProps {
  /** Folder of the bundled app and its start command. */
  readonly app: { readonly path: string; readonly startCommand: string };
  readonly logRetentionDays: number;
  /** The boot settings besides the package and the log groups, which this creates. */
  readonly boot: Omit<BootSettings, 'packageUrl' | 'startCommand' | 'appLogGroup' | 'systemLogGroup'>;
  /** Permissions beyond the agent's, the package's and the database secret's. */
  readonly statements?: DataAwsIamPolicyDocumentStatement[];
  /** @default - see `TfAppInstanceSettings.imageId` */
  readonly imageId?: string;
}

export interface TfAppInstance {
  readonly amiId: string;
  /**
   * Whether `amiId` is the public parameter's current value, which the instance or launch
   * template must ignore after creation (else every release would replace it on the next apply).
   */
  readonly amiFromParameter: boolean;
  readonly instanceProfileName: string;
  /** `#!/bin/bash`, the settings, the boot script (its shell `${...}` escaped from Terraform). */
  readonly userData: string;
  readonly appLogGroup: CloudwatchLogGroup;
  readonly systemLogGroup: CloudwatchLogGroup;
}

/**
 * What every app instance needs, created in `scope` under fixed IDs (AppLogGroup, SystemLogGroup,
 * AppPackage, InstanceRole, SessionManager, InstancePolicy, InstanceProfile, Ami without `imageId`): the Terraform
 * side of CDK's `appLaunchTemplate` and `AppInstanceRole`. Log groups survive `destroy`
 * (`skip_destroy`, as CloudFormation's Retain). The role: Session Manager, CloudWatch agent
 * metrics in CWAgent only, its own log groups, its package, the database secret.
 */
export function tfAppInstance(scope: Construct, props: TfAppInstanceProps): TfAppInstance {
  const appLogGroup = new CloudwatchLogGroup(scope, 'AppLogGroup', { retentionInDays: props.logRetentionDays, skipDestroy: true });
  const systemLogGroup = new CloudwatchLogGroup(scope, 'SystemLogGroup', { retentionInDays: props.logRetentionDays, skipDestroy: true });
  const pkg = new TfAppPackage(scope, 'AppPackage', { path: props.app.path });
  const role = new IamRole(scope, 'InstanceRole', {
    assumeRolePolicy: new DataAwsIamPolicyDocument(scope, 'Assume', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['ec2.amazonaws.com'] }] }],
    }).json,
  });
  new IamRolePolicyAttachment(scope, 'SessionManager', { role: role.name, policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' });
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    {
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      condition: [{ test: 'StringEquals', variable: 'cloudwatch:namespace', values: ['CWAgent'] }],
    },
    {
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [appLogGroup.arn, `${appLogGroup.arn}:*`, systemLogGroup.arn, `${systemLogGroup.arn}:*`],
    },
    { actions: ['s3:GetObject'], resources: [`${pkg.bucket.arn}/${pkg.object.key}`] },
  ];
  const database = props.boot.database;
  if (database) statements.push({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [database.secretArn] });
  statements.push(...props.statements ?? []);
  new IamRolePolicy(scope, 'InstancePolicy', {
    role: role.id,
    policy: new DataAwsIamPolicyDocument(scope, 'Permissions', { statement: statements }).json,
  });
  const profile = new IamInstanceProfile(scope, 'InstanceProfile', { role: role.name });

  const lines = bootScriptLines({
    ...props.boot,
    packageUrl: pkg.url,
    startCommand: props.app.startCommand,
    appLogGroup: appLogGroup.name,
    systemLogGroup: systemLogGroup.name,
  });
  // The settings hold Terraform references; the script's own `${...}` and `%{...}` are shell.
  const script = lines.pop()!.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
  return {
    amiId: props.imageId ?? new DataAwsSsmParameter(scope, 'Ami', { name: AL2023_ARM64_PARAMETER }).insecureValue,
    amiFromParameter: props.imageId === undefined,
    instanceProfileName: profile.name,
    userData: ['#!/bin/bash', ...lines, script].join('\n'),
    appLogGroup,
    systemLogGroup,
  };
}

/**
 * The launch template of an Auto Scaling group of app instances, in `scope` (LaunchTemplate,
 * UserData): IMDSv2, encrypted gp3 root volume, detailed monitoring, the instance's user data.
 */
export function tfLaunchTemplate(scope: Construct, base: TfAppInstance, props: { instanceType: string; securityGroupId: string }): LaunchTemplate {
  return new LaunchTemplate(scope, 'LaunchTemplate', {
    // New versions keep the AMI the template was created with, as CloudFormation's dynamic reference.
    lifecycle: base.amiFromParameter ? { ignoreChanges: ['image_id'] } : undefined,
    imageId: base.amiId,
    instanceType: props.instanceType,
    iamInstanceProfile: { name: base.instanceProfileName },
    vpcSecurityGroupIds: [props.securityGroupId],
    // A local holds the script (quotes and all); the function then takes a reference, not a literal.
    userData: Fn.base64encode(new TerraformLocal(scope, 'UserData', base.userData).asString),
    metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' },
    monitoring: { enabled: true },
    blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeType: 'gp3', volumeSize: SIZES.rootVolumeGiB, encrypted: 'true' } }],
    updateDefaultVersion: true,
  });
}

/**
 * The group's launches and terminations (and their failures) to the alarm topic, as CDK's
 * `ScalingEvents.ALL`; the topic's key admits the Auto Scaling service-linked role (TfAlarmTopic).
 */
export function tfAutoScalingNotifications(scope: Construct, group: AutoscalingGroup, topicArn: string): AutoscalingNotification {
  return new AutoscalingNotification(scope, 'Notifications', {
    groupNames: [group.name],
    notifications: ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR'],
    topicArn,
  });
}
