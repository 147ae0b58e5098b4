import { Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AL2023_ARM64_PARAMETER } from '../../lib/app-instance';
import { WorkerGroup, WorkerGroupProps } from '../../lib/worker-group';
import { bareStack, TEST_APP, testVpc } from '../support/bare-stack';

/** The group with its required props, plus what `extra` makes in the same stack. */
function build(extra: (stack: Stack) => Partial<WorkerGroupProps> = () => ({})) {
  const stack = bareStack();
  const vpc = testVpc(stack);
  new WorkerGroup(stack, 'Workers', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }),
    queue: new sqs.Queue(stack, 'Queue'),
    database: { secret: new secretsmanager.Secret(stack, 'DbSecret') },
    app: TEST_APP,
    port: 80,
    instanceType: new ec2.InstanceType('t4g.small'),
    alarmTopic: new sns.Topic(stack, 'Topic'),
    stageLabel: '4 cache-cdn',
    ...extra(stack),
  });
  return Template.fromStack(stack);
}

describe('WorkerGroup', () => {
  const t = build();

  test('runs the worker command from an IMDSv2, encrypted launch template, and waits only for the process', () => {
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required' },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true }) }],
      }),
    });
    const userData = JSON.stringify(t.findResources('AWS::EC2::LaunchTemplate'));
    expect(userData).toContain("export APP_START='node server.js worker'");
    expect(userData).toContain("export HEALTH_CHECK='process'");
    expect(userData).toContain('export QUEUE_URL=');
    expect(userData).toContain('cfn-signal');
  });

  test('scales on visible jobs per in-service worker', () => {
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1', MaxSize: '4',
      MetricsCollection: [{ Granularity: '1Minute', Metrics: ['GroupInServiceInstances'] }],
    });
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        TargetValue: 100,
        CustomizedMetricSpecification: {
          Metrics: [
            Match.objectLike({ Id: 'visible', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ApproximateNumberOfMessagesVisible' }), Stat: 'Sum' }) }),
            Match.objectLike({ Id: 'workers', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupInServiceInstances' }) }) }),
            { Id: 'backlog', Expression: 'visible / MAX([workers, 1])', Label: 'Visible jobs per worker', ReturnData: true },
          ],
        },
      },
    });
  });

  test('may consume the queue and read the database secret, and nothing reaches it', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['sqs:ReceiveMessage', 'sqs:DeleteMessage']) })]) },
    });
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 0);
  });

  test('passes the cache endpoint and lets workers read its token when given one', () => {
    const cached = build((stack) => ({ cache: { endpoint: 'cache.internal:6380', authToken: new secretsmanager.Secret(stack, 'Token') } }));
    const userData = JSON.stringify(cached.findResources('AWS::EC2::LaunchTemplate'));
    expect(userData).toContain("export CACHE_ENDPOINT='cache.internal:6380'");
    expect(userData).toContain('export CACHE_SECRET_ARN=');
  });

  // A template parameter of type AWS::SSM::Parameter::Value<AWS::EC2::Image::Id> is re-resolved
  // on every deploy: a new Amazon Linux release would roll every worker on an unrelated deploy.
  test('reads the default image when the launch template changes only, and runs a given image as is', () => {
    expect(JSON.stringify(t.toJSON().Parameters ?? {})).not.toContain('AWS::EC2::Image::Id');
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ ImageId: `{{resolve:ssm:${AL2023_ARM64_PARAMETER}}}` }) });
    const pinned = build(() => ({ machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }) }));
    pinned.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ ImageId: 'ami-0123456789abcdef0' }) });
  });

  test('notifies the alarm topic of launches and terminations', () => {
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      NotificationConfigurations: [{ TopicARN: { Ref: Match.stringLikeRegexp('^Topic') }, NotificationTypes: Match.arrayWith(['autoscaling:EC2_INSTANCE_LAUNCH_ERROR']) }],
    });
  });

  test('errors when asked for no workers or a fraction of one', () => {
    expect(() => build(() => ({ minCapacity: 0 }))).toThrow('WorkerGroup needs whole numbers 1 <= minCapacity <= maxCapacity, got 0 and 4');
    expect(() => build(() => ({ maxCapacity: 2.5 }))).toThrow('WorkerGroup needs whole numbers 1 <= minCapacity <= maxCapacity, got 1 and 2.5');
  });
});
