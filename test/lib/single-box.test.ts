import { Size, Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AL2023_ARM64_PARAMETER } from '../../lib/app-instance';
import { SingleBox, SingleBoxProps } from '../../lib/single-box';
import { bareStack, TEST_APP, testVpc } from '../support/bare-stack';

/** The box with its required props, plus what `extra` makes in the same stack. */
function build(extra: (stack: Stack) => Partial<SingleBoxProps> = () => ({})) {
  const stack = bareStack();
  const vpc = testVpc(stack);
  const box = new SingleBox(stack, 'Box', {
    vpc,
    app: TEST_APP,
    port: 80,
    instanceType: new ec2.InstanceType('t4g.small'),
    securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }),
    alarmTopic: new sns.Topic(stack, 'Topic'),
    stageLabel: '1 single-box',
    ...extra(stack),
  });
  return { box, t: Template.fromStack(stack) };
}

describe('SingleBox with a local database', () => {
  const { t } = build((stack) => ({
    dataVolume: new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) }),
  }));

  // Issue 11 item 7: without a CreationPolicy, CloudFormation reported the box created while its
  // boot had failed; the boot script signals it, naming the resource by its logical-ID tag.
  test('awaits the boot script\'s signal, which reads the instance\'s logical-ID tag', () => {
    t.hasResource('AWS::EC2::Instance', { CreationPolicy: { ResourceSignal: { Timeout: 'PT30M' } } });
    const userData = JSON.stringify(t.findResources('AWS::EC2::Instance'));
    expect(userData).toContain("export CFN_SIGNAL_STACK='Test'");
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'ec2:DescribeTags', Effect: 'Allow', Resource: '*' }] },
    });
  });

  // IAM is eventually consistent: a box booting before its policies exist could not read its tag
  // (no signal: the update waits 30 minutes and rolls back) nor attach its volume.
  test('boots only after the policies its boot script needs exist', () => {
    const policies = Object.keys(t.findResources('AWS::IAM::Policy')).filter((id) => /DescribeTags|AttachVolume/.test(id)).sort();
    expect(policies).toHaveLength(2);
    t.hasResource('AWS::EC2::Instance', { DependsOn: Match.arrayWith(policies) });
  });

  test('runs AL2023 arm64 with IMDSv2, an encrypted root volume and detailed monitoring', () => {
    t.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.small',
      Monitoring: true,
      ImageId: `{{resolve:ssm:${AL2023_ARM64_PARAMETER}}}`,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) }],
    });
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' } },
    });
  });

  // A template parameter of type AWS::SSM::Parameter::Value<AWS::EC2::Image::Id> is re-resolved on
  // every deploy, and a new ImageId replaces the instance: a new Amazon Linux release would
  // replace the box (downtime, volume hand-over) on an unrelated deploy. A dynamic reference is
  // resolved only when the instance is created or changed.
  test('takes no image parameter that every deploy re-resolves', () => {
    expect(AL2023_ARM64_PARAMETER).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64');
    expect(JSON.stringify(t.toJSON().Parameters ?? {})).not.toContain('AWS::EC2::Image::Id');
  });

  test('runs the given image as a literal AMI ID', () => {
    const { t: pinned } = build((stack) => ({
      dataVolume: new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) }),
      machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }),
    }));
    pinned.hasResourceProperties('AWS::EC2::Instance', { ImageId: 'ami-0123456789abcdef0' });
  });

  test('is reached through Session Manager, not SSH', () => {
    t.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
    expect(JSON.stringify(t.findResources('AWS::EC2::Instance'))).not.toContain('KeyName');
  });

  test('keeps its Elastic IP when removed', () => {
    t.hasResource('AWS::EC2::EIP', { DeletionPolicy: 'Retain' });
    t.resourceCountIs('AWS::EC2::EIPAssociation', 1);
  });

  test('may attach only the data volume, and only to itself', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Action: 'ec2:AttachVolume', Condition: { StringEquals: { 'aws:ResourceTag/DataVolumeHost': Match.anyValue() } } }),
      ]) },
    });
  });

  test('boots in local database mode with the app package', () => {
    const userData = JSON.stringify(Object.values(t.findResources('AWS::EC2::Instance'))[0].Properties.UserData);
    expect(userData).toContain("export DB_MODE='local'");
    expect(userData).toContain('export DATA_VOLUME_ID=');
    expect(userData).toContain("export APP_START='node server.js'");
  });

  test('recovers on a failed system check and alarms on CPU, memory, both disks and status', () => {
    const system = Object.values(t.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.MetricName === 'StatusCheckFailed_System')!;
    expect(JSON.stringify(system.Properties.AlarmActions)).toMatch(/:automate:us-east-1:ec2:recover/);
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.MetricName);
    expect(alarms.sort()).toEqual(['CPUUtilization', 'StatusCheckFailed_Instance', 'StatusCheckFailed_System',
      'disk_used_percent', 'disk_used_percent', 'mem_used_percent']);
  });
});

describe('SingleBox with a managed database', () => {
  test('boots in managed mode and may read the database secret', () => {
    const { t } = build((stack) => ({ database: { secret: new secretsmanager.Secret(stack, 'Secret') } }));
    const userData = JSON.stringify(Object.values(t.findResources('AWS::EC2::Instance'))[0].Properties.UserData);
    expect(userData).toContain("export DB_MODE='managed'");
    expect(userData).not.toContain('export DATA_VOLUME_ID');
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Action: Match.arrayWith(['secretsmanager:GetSecretValue']), Resource: { Ref: Match.stringLikeRegexp('^Secret') },
      })]) },
    });
    expect(Object.keys(t.findResources('AWS::CloudWatch::Alarm'))).toHaveLength(5);
  });

  test('errors when given neither a data volume nor a database', () => {
    expect(() => build()).toThrow('SingleBox needs a dataVolume (local PostgreSQL) or a database (managed)');
  });
});

describe('SingleBox in a subnet that assigns no public address', () => {
  const { t } = build((stack) => ({
    dataVolume: new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) }),
    associatePublicIpAddress: true,
    launchTemplateMonitoring: true,
  }));

  test('asks for a public address at launch on its network interface, in its security group', () => {
    t.hasResourceProperties('AWS::EC2::Instance', {
      NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: true, DeviceIndex: '0', GroupSet: Match.anyValue(), SubnetId: Match.anyValue() })],
      SubnetId: Match.absent(),
      SecurityGroupIds: Match.absent(),
    });
  });

  test('records detailed monitoring in its launch template, beside IMDSv2', () => {
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' }, Monitoring: { Enabled: true } },
    });
  });
});

test('SingleBox leaves its launch template to IMDSv2 alone by default', () => {
  const { t } = build((stack) => ({
    dataVolume: new ec2.Volume(stack, 'Volume', { availabilityZone: 'us-east-1a', size: Size.gibibytes(10) }),
  }));
  t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required' }, Monitoring: Match.absent() } });
  t.hasResourceProperties('AWS::EC2::Instance', { NetworkInterfaces: Match.absent(), Monitoring: true });
});
