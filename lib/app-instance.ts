/**
 * What every app instance is made of, for the constructs that run them (SingleBox, WebTier,
 * WorkerGroup): its IAM role (`AppInstanceRole`), its user data (the settings as exported
 * variables, then the boot script of boot/instance-boot.sh, which boot/boot-script.ts reads and
 * the Terraform engine shares), and the launch template that holds both.
 */
import { CfnDynamicReference, CfnDynamicReferenceService, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AL2023_ARM64_PARAMETER, SIZES } from '../core/settings';
import { bootScriptLines } from './boot/boot-script';

export interface AppInstanceRoleProps {
  /** Log groups the instances' CloudWatch agent writes to. */
  readonly logGroups: logs.ILogGroup[];
}

/**
 * The IAM role of app instances: Session Manager instead of SSH, and what the CloudWatch agent
 * needs (metrics in the CWAgent namespace only, streams in the given log groups). Callers grant
 * the rest (their secret, their asset).
 */
export class AppInstanceRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AppInstanceRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Resource', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } },
    }));
    // The CloudWatch agent writes its streams and looks them up (DescribeLogStreams) to resume.
    for (const group of props.logGroups) group.grant(this.role, 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams');
    Validations.of(this.role).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        reason: 'AWS-maintained minimum for Session Manager access, which replaces SSH',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudwatch:PutMetricData has no resource-level permissions; the condition limits it to the CWAgent namespace',
      },
    );
  }
}

/** The app an instance runs: a folder shipped as a CDK asset and the command that starts it. */
export interface AppArtifact {
  /** Folder with the app, ready to run (or built by `assetOptions.bundling`). */
  readonly path: string;
  /** Run from that folder under systemd with the settings in its environment, e.g. `node server.js`. */
  readonly startCommand: string;
  /**
   * Options of the asset, such as bundling that builds the folder at synth.
   * @default - the folder as it is
   */
  readonly assetOptions?: s3assets.AssetOptions;
}

/** What every construct running app instances takes. */
export interface AppInstanceOptions {
  /** The app the instances run. */
  readonly app: AppArtifact;
  /** Port the app listens on. */
  readonly port: number;
  /** Graviton instance type. */
  readonly instanceType: ec2.InstanceType;
  /** Topic notified by every alarm. */
  readonly alarmTopic: sns.ITopic;
  /** Shown by the app and written to the boot log. */
  readonly stageLabel: string;
  /**
   * Retention of the app and system log groups.
   * @default - `SIZES.logRetentionDays` of core/settings.ts (30 days)
   */
  readonly logRetention?: logs.RetentionDays;
}

/** How an app instance reaches a managed database. */
export interface DatabaseConnection {
  /** Secret with `host`, `port`, `dbname`, `username` and `password` keys. */
  readonly secret: secretsmanager.ISecret;
  /**
   * Endpoint the app connects to instead of the secret's `host`. Stage 5's second region names
   * its own cluster (its reader endpoint, with write forwarding), so that it reads and writes
   * without a cross-region connection of its own.
   * @default - the secret's host
   */
  readonly host?: string;
  /**
   * Read-only endpoint for queries that tolerate replica lag.
   * @default - reads go to `host`
   */
  readonly readerHost?: string;
  /**
   * Whether the app creates its schema at start. False where DDL cannot run (stage 5's second
   * region: Aurora global write forwarding forwards DML only); the app then waits, reporting it
   * in readiness, until the primary region's schema has replicated.
   * @default true
   */
  readonly migrate?: boolean;
  /**
   * Whether the cluster forwards DML to the global database's primary (Aurora PostgreSQL global
   * write forwarding, enabled on the cluster): the app sets `apg_write_forward.consistency_mode`
   * to `session` on its writer connections, without which Aurora does not forward writes.
   * @default false
   */
  readonly writeForwarding?: boolean;
}

export interface BootOptions {
  readonly app: AppArtifact;
  /** Role of the instances: allowed to read the app's asset. */
  readonly role: iam.IRole;
  readonly stageLabel: string;
  readonly region: string;
  readonly port: number;
  readonly appLogGroup: logs.ILogGroup;
  readonly systemLogGroup: logs.ILogGroup;
  /** Local PostgreSQL on this volume (or, with `database`, the source of the copy into it). */
  readonly dataVolume?: ec2.IVolume;
  /** Managed database; takes precedence over `dataVolume` for the app. */
  readonly database?: DatabaseConnection;
  /** Valkey for sessions and cached reads; the role must be allowed to read the token. */
  readonly cache?: CacheConnection;
  /** URL of the job queue. */
  readonly queueUrl?: string;
  /**
   * How the boot script decides the app started: `http` waits for liveness (`/health/live`) and,
   * on an instance with a data volume (the single box), for readiness (`/health`) too; `process`
   * for the service to stay up (workers serve no HTTP).
   * @default 'http'
   */
  readonly healthCheck?: 'http' | 'process';
  /**
   * The resource whose CreationPolicy awaits this instance's signal, which the boot script sends
   * (the single box). Leave unset for an Auto Scaling group: signal it with
   * `userData.addSignalOnExitCommand(group)`.
   * @default - the script sends no signal
   */
  readonly cloudFormationSignal?: { readonly stackName: string };
}

/** How an app instance reaches Valkey. */
export interface CacheConnection {
  /** `host:port` of the primary endpoint. */
  readonly endpoint: string;
  /** Secret holding the AUTH token as a plain string. */
  readonly authToken: secretsmanager.ISecret;
}

export { DATA_MOUNT } from './boot/boot-script';

/**
 * The user data of an app instance: its settings as exported variables, then the boot script
 * (`instance-boot.sh`, checked on its own by shellcheck in the tests) that installs and starts
 * everything. Creates the app's asset in `scope`.
 */
export function bootUserData(scope: Construct, options: BootOptions): ec2.UserData {
  const asset = new s3assets.Asset(scope, 'AppPackage', { path: options.app.path, ...options.app.assetOptions });
  // This one object, not the whole asset bucket that grantRead would open.
  options.role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject'],
    resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
  }));
  const userData = ec2.UserData.forLinux();
  userData.addCommands(...bootScriptLines({
    stageLabel: options.stageLabel,
    region: options.region,
    port: options.port,
    packageUrl: asset.s3ObjectUrl,
    startCommand: options.app.startCommand,
    appLogGroup: options.appLogGroup.logGroupName,
    systemLogGroup: options.systemLogGroup.logGroupName,
    database: options.database && {
      secretArn: options.database.secret.secretArn,
      host: options.database.host,
      readerHost: options.database.readerHost,
      migrate: options.database.migrate,
      writeForwarding: options.database.writeForwarding,
    },
    cache: options.cache && { endpoint: options.cache.endpoint, secretArn: options.cache.authToken.secretArn },
    queueUrl: options.queueUrl,
    healthCheck: options.healthCheck,
    dataVolumeId: options.dataVolume?.volumeId,
    cloudFormationSignal: options.cloudFormationSignal,
  }));
  return userData;
}

/** AWS's public SSM parameter holding the latest Amazon Linux 2023 AMI for Graviton (defined once in core/settings). */
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
  const retention = props.logRetention ?? SIZES.logRetentionDays as logs.RetentionDays;
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
