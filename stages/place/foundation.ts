/**
 * The foundation of every stage and region: the three stacks (network, data, app), the VPC, the
 * alarm topic and the app's security group. Stack names and construct IDs are a public contract:
 * an upgrade that changed one would replace what it holds.
 */
import { App, Aspects, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { GrowthConfig, HARDENING_METADATA } from '../../core/config';
import { APP_PORT, AZ_COUNT, stackName, StackRole, SUBNET_TIERS } from '../../core/naming';
import { stageLabel } from '../../core/stages';
import { AlarmTopic } from '../../lib/alarm-topic';
import { EncryptLogGroups } from '../../lib/log-encryption-key';
import { Network } from '../../lib/network';

const DESCRIPTIONS: Record<StackRole, string> = {
  network: 'VPC, flow logs, security groups and the alarm topic (stateful: termination protection)',
  data: 'Databases and volumes (stateful: termination protection)',
  app: 'Compute, load balancing, alarms and dashboard (stateless: safe to replace)',
  edge: 'CloudFront distribution, WAF web ACL, CDN access logs and the alarms on CloudFront metrics (us-east-1)',
};

/** What every stage has: the three stacks, the VPC, the alarm topic and the app's security group. */
export interface Foundation {
  readonly config: GrowthConfig;
  /** The region of the three stacks: `config.region`, or stage 5's second region. */
  readonly region: string;
  readonly network: Stack;
  readonly data: Stack;
  readonly app: Stack;
  readonly vpc: ec2.Vpc;
  readonly alarmTopic: AlarmTopic;
  /**
   * Security group of whatever runs the app (the box, later the Auto Scaling group). It lives in
   * the network stack so the data tier can admit it without depending on the app stack.
   */
  readonly appSecurityGroup: ec2.SecurityGroup;
  readonly logRetention: logs.RetentionDays;
  readonly stageLabel: string;
}

export interface FoundationOptions {
  /** NAT gateways for the app tier; 0 until the app leaves the public subnet (stage 3). */
  readonly natGateways: number;
  /**
   * The second region of stage 5, whose stacks are named `<appName>-<role>-<region>`.
   * @default - the primary region, `config.region`
   */
  readonly secondaryRegion?: string;
}

/**
 * A stack of the stage, named `<appName>-<role>` (region-suffixed in stage 5's second region).
 * With `hardening=strict` every log group it holds is encrypted with its own key (one key a stack,
 * so no log group depends on another stack's export).
 */
export function growthStack(app: App, config: GrowthConfig, role: StackRole, region: string, terminationProtection: boolean, secondary = false): Stack {
  const name = stackName(config.appName, role, secondary ? region : undefined);
  const stack = new Stack(app, name, {
    stackName: name,
    env: { region },
    terminationProtection,
    description: `growth-stages ${config.appName}: ${DESCRIPTIONS[role]}`,
  });
  if (isStrict(config)) {
    Aspects.of(stack).add(new EncryptLogGroups());
    // Read by `growth-stages cost`; a standard template carries nothing.
    stack.templateOptions.metadata = { [HARDENING_METADATA]: config.hardening };
  }
  return stack;
}

/** Whether the stage meets AWS Control Tower's proactive controls (docs/hardening.md). */
export const isStrict = (config: GrowthConfig) => config.hardening === 'strict';

export function foundation(app: App, config: GrowthConfig, options: FoundationOptions): Foundation {
  const region = options.secondaryRegion ?? config.region;
  const secondary = options.secondaryRegion !== undefined;
  const network = growthStack(app, config, 'network', region, true, secondary);
  const data = growthStack(app, config, 'data', region, true, secondary);
  const appStack = growthStack(app, config, 'app', region, false, secondary);
  data.addStackDependency(network);
  appStack.addStackDependency(data);

  const logRetention = config.logRetentionDays as logs.RetentionDays;
  const net = new Network(network, 'Network', {
    // Regions do not share an address range, so they can be joined later.
    cidr: secondary ? config.secondaryVpcCidr : config.vpcCidr,
    maxAzs: AZ_COUNT,
    tiers: [...SUBNET_TIERS],
    natGateways: options.natGateways,
    flowLogRetention: logRetention,
    // Strict: no public address without asking (the box asks for one: see singleBox).
    mapPublicIpOnLaunch: isStrict(config) ? false : undefined,
  });
  const appSecurityGroup = new ec2.SecurityGroup(network, 'AppSecurityGroup', {
    vpc: net.vpc,
    description: 'App instances',
    allowAllOutbound: true,
  });
  return {
    config,
    region,
    network,
    data,
    app: appStack,
    vpc: net.vpc,
    alarmTopic: new AlarmTopic(network, 'Alarms', { email: config.alarmEmail }),
    appSecurityGroup,
    logRetention,
    stageLabel: stageLabel(config.stage, secondary ? region : undefined),
  };
}

/** While the app is served straight from a public subnet: HTTP and HTTPS from anywhere. */
export function openToInternet(f: Foundation) {
  f.appSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(APP_PORT), 'HTTP from the internet');
  f.appSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
  Validations.of(f.appSecurityGroup).acknowledge({
    id: 'AwsSolutions-EC23',
    reason: 'stages 1-2 serve the app from this instance, so ports 80 and 443 (only) are open to the internet; stage 3 admits only the load balancer',
  });
}

/** The pinned image of the region's app instances (`imageId`, `secondaryImageId`), if any. */
export function machineImage(f: Foundation): ec2.IMachineImage | undefined {
  const id = f.region === f.config.region ? f.config.imageId : f.config.secondaryImageId;
  return id ? ec2.MachineImage.genericLinux({ [f.region]: id }) : undefined;
}
