/**
 * The foundation of every Terraform stage and region: the three stacks, the VPC, the app's
 * security group and the alarm topic, as the CloudFormation stages' `foundation`.
 */
import { App, TerraformStack } from 'cdktf';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { GrowthConfig } from '../../../core/config';
import { APP_PORT } from '../../../core/naming';
import { stageLabel } from '../../../core/stages';
import { cachedReferenceAppBundle } from '../../../tools/app-bundle';
import { TfAlarmTopic } from '../../alarm-topic';
import { TfAppInstanceSettings } from '../../app-instance';
import { TfNetwork } from '../../network';
import { growthTfStack } from '../../stack';

/** The three stacks, the VPC, the app's security group and the alarm topic. */
export interface Foundation {
  readonly config: GrowthConfig;
  /** `config.region`, or stage 5's second region. */
  readonly region: string;
  readonly network: TerraformStack;
  readonly data: TerraformStack;
  readonly app: TerraformStack;
  readonly net: TfNetwork;
  readonly appSecurityGroup: SecurityGroup;
  readonly alarms: TfAlarmTopic;
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

export function foundation(app: App, config: GrowthConfig, options: FoundationOptions): Foundation {
  const region = options.secondaryRegion ?? config.region;
  const secondary = options.secondaryRegion !== undefined;
  const network = growthTfStack(app, config, 'network', region, secondary);
  const data = growthTfStack(app, config, 'data', region, secondary);
  const appStack = growthTfStack(app, config, 'app', region, secondary);
  data.addDependency(network);
  appStack.addDependency(data);
  const net = new TfNetwork(network, 'Network', {
    cidr: secondary ? config.secondaryVpcCidr : config.vpcCidr, region, flowLogRetentionDays: config.logRetentionDays, natGateways: options.natGateways,
    // Strict: no public address without asking (the box asks for one: see singleBox).
    mapPublicIpOnLaunch: config.hardening === 'strict' ? false : undefined,
  });
  const appSecurityGroup = new SecurityGroup(network, 'AppSecurityGroup', { vpcId: net.vpc.id, description: 'App instances' });
  new VpcSecurityGroupEgressRule(network, 'AppEgress', { securityGroupId: appSecurityGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1' });
  const alarms = new TfAlarmTopic(network, 'Alarms', { email: config.alarmEmail });
  return { config, region, network, data, app: appStack, net, appSecurityGroup, alarms };
}

/** While the box serves from a public subnet (stages 1-2): HTTP and HTTPS from anywhere. */
export function openToInternet(f: Foundation): void {
  for (const port of [APP_PORT, 443]) {
    new VpcSecurityGroupIngressRule(f.network, `AppFromInternet${port}`, {
      securityGroupId: f.appSecurityGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: port, toPort: port,
      description: port === 443 ? 'HTTPS from the internet' : 'HTTP from the internet',
    });
  }
}

/** The `random` provider of a stack whose resources generate secrets (once per stack). */
export function randomProvider(stack: TerraformStack): void {
  if (!stack.node.tryFindChild('random')) new RandomProvider(stack, 'random');
}

/** What every construct running the app takes from the configuration. */
export function instanceSettings(f: Foundation): TfAppInstanceSettings & { alarmTopicArn: string } {
  const { config } = f;
  return {
    instanceType: config.instanceType,
    // The pinned image of the region, if any (AMI IDs are regional).
    imageId: f.region === config.region ? config.imageId : config.secondaryImageId,
    region: f.region,
    app: { path: cachedReferenceAppBundle(), startCommand: 'node server.js' },
    port: APP_PORT,
    stageLabel: stageLabel(config.stage, f.region === config.region ? undefined : f.region),
    alarmTopicArn: f.alarms.topic.arn,
    logRetentionDays: config.logRetentionDays,
  };
}
