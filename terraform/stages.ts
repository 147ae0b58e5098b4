/**
 * The stages as Terraform (CDK for Terraform): the same stacks, components, sizing and security
 * properties as the CloudFormation stages, from the same engine-free modules (core/: ladder,
 * configuration, names, subnet plan; lib/boot/boot-script.ts: the instances' boot script).
 * Built so far: stage 1. The others are refused with a clear error until they are.
 */
import { App } from 'cdktf';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { ConfigError, GrowthConfig } from '../core/config';
import { APP_PORT } from '../core/naming';
import { moveUpAlarmName, StageNumber, STAGES } from '../core/stages';
import { DATA_MOUNT } from '../lib/boot/boot-script';
import { cachedReferenceAppBundle } from '../tools/app-bundle';
import { TfAlarmTopic } from './alarm-topic';
import { TfDataVolume } from './data-volume';
import { TfNetwork } from './network';
import { TfSingleBox } from './single-box';
import { growthTfStack } from './stack';

const BUILDERS: Partial<Record<StageNumber, (app: App, config: GrowthConfig) => void>> = {
  1: singleBoxStage,
};

/** Stage numbers the Terraform engine builds, in ladder order. */
export const TERRAFORM_STAGES = (Object.keys(BUILDERS).map(Number) as StageNumber[]).sort();

/**
 * The builder of the configured stage.
 * @throws ConfigError for a stage not built for Terraform yet (before anything is created)
 */
export function terraformStageBuilder(config: GrowthConfig): (app: App) => void {
  const build = BUILDERS[config.stage.number];
  if (!build) {
    throw new ConfigError('stage', config.stage.name,
      `with --engine terraform, a stage built for Terraform so far: ${TERRAFORM_STAGES.map((n) => STAGES[n - 1].name).join(', ')} (or its number); the others synthesize with --engine cdk`);
  }
  return (app) => build(app, config);
}

function singleBoxStage(app: App, config: GrowthConfig): void {
  const network = growthTfStack(app, config, 'network');
  const data = growthTfStack(app, config, 'data');
  const appStack = growthTfStack(app, config, 'app');
  data.addDependency(network);
  appStack.addDependency(data);

  const net = new TfNetwork(network, 'Network', { cidr: config.vpcCidr, region: config.region, flowLogRetentionDays: config.logRetentionDays });
  const appSecurityGroup = new SecurityGroup(network, 'AppSecurityGroup', { vpcId: net.vpc.id, description: 'App instances' });
  for (const port of [APP_PORT, 443]) {
    new VpcSecurityGroupIngressRule(network, `AppFromInternet${port}`, {
      securityGroupId: appSecurityGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: 'tcp', fromPort: port, toPort: port,
      description: port === 443 ? 'HTTPS from the internet' : 'HTTP from the internet',
    });
  }
  new VpcSecurityGroupEgressRule(network, 'AppEgress', { securityGroupId: appSecurityGroup.id, cidrIpv4: '0.0.0.0/0', ipProtocol: '-1' });
  const alarms = new TfAlarmTopic(network, 'Alarms', { email: config.alarmEmail });

  const volume = new TfDataVolume(data, 'DataVolume', {
    availabilityZone: net.availabilityZones[0],
    sizeGb: 20,
    snapshotTag: `${config.appName}-data-volume`,
  });

  const box = new TfSingleBox(appStack, 'Box', {
    subnetId: net.subnetIds.Public[0],
    securityGroupId: appSecurityGroup.id,
    instanceType: config.instanceType,
    region: config.region,
    app: { path: cachedReferenceAppBundle(), startCommand: 'node server.js' },
    port: APP_PORT,
    stageLabel: `${config.stage.number} ${config.stage.name}`,
    alarmTopicArn: alarms.topic.arn,
    logRetentionDays: config.logRetentionDays,
    dataVolume: { id: volume.volume.id, arn: volume.volume.arn },
  });
  const stage = config.stage;
  const [cpu, disk] = stage.moveUpAlarms;
  const moveUp = [
    new CloudwatchMetricAlarm(appStack, 'MoveUpCpu', {
      alarmName: moveUpAlarmName(config.appName, stage, cpu), alarmDescription: `Time to plan the next stage: ${cpu.means}`,
      namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: { InstanceId: box.instance.id }, statistic: 'Average', period: 3600,
      threshold: 70, evaluationPeriods: 3, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
      alarmActions: [alarms.topic.arn],
    }),
    new CloudwatchMetricAlarm(appStack, 'MoveUpDataDisk', {
      alarmName: moveUpAlarmName(config.appName, stage, disk), alarmDescription: `Time to plan the next stage: ${disk.means}`,
      namespace: 'CWAgent', metricName: 'disk_used_percent', dimensions: { InstanceId: box.instance.id, path: DATA_MOUNT }, statistic: 'Maximum', period: 300,
      threshold: 70, evaluationPeriods: 3, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
      alarmActions: [alarms.topic.arn],
    }),
  ];
  new CloudwatchDashboard(appStack, 'Dashboard', {
    dashboardName: `${config.appName}-${config.region}`,
    dashboardBody: JSON.stringify({
      widgets: [...box.alarms, ...moveUp].map((alarm, i) => ({
        type: 'alarm', x: (i % 4) * 6, y: Math.floor(i / 4) * 3, width: 6, height: 3,
        properties: { title: alarm.alarmName, alarms: [alarm.arn] },
      })),
    }),
  });
}
