import { Template, Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Stack } from 'aws-cdk-lib';
import { AL2023_ARM64_PARAMETER } from '../../lib/app-instance';
import { LIVENESS_PATH, WebTier, WebTierProps } from '../../lib/web-tier';
import { bareStack, TEST_APP, testVpc } from '../support/bare-stack';

/** The tier with its required props, plus what `extra` makes in the same stack. */
function build(extra: (stack: Stack) => Partial<WebTierProps> = () => ({})) {
  const stack = bareStack();
  const vpc = testVpc(stack);
  new WebTier(stack, 'Web', {
    vpc,
    loadBalancerSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    instanceSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    loadBalancerSecurityGroup: new ec2.SecurityGroup(stack, 'LbSg', { vpc, allowAllOutbound: false }),
    instanceSecurityGroup: new ec2.SecurityGroup(stack, 'AppSg', { vpc }),
    port: 80,
    app: TEST_APP,
    instanceType: new ec2.InstanceType('t4g.small'),
    database: { secret: new secretsmanager.Secret(stack, 'Secret') },
    accessLogBucket: new s3.Bucket(stack, 'Logs'),
    alarmTopic: new sns.Topic(stack, 'Topic'),
    stageLabel: '3 load-balanced',
    ...extra(stack),
  });
  return Template.fromStack(stack);
}

describe('WebTier', () => {
  const t = build();

  test('runs at least 2 instances from an IMDSv2, encrypted launch template, checked by the load balancer', () => {
    t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', MaxSize: '6', HealthCheckType: 'ELB', HealthCheckGracePeriod: 600 });
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required' },
        Monitoring: { Enabled: true },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true }) }],
      }),
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health/live', HealthCheckIntervalSeconds: 15, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3, Matcher: { HttpCode: '200' },
    });
  });

  test('replaces instances one at a time, each waiting for its healthy signal', () => {
    t.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      UpdatePolicy: { AutoScalingRollingUpdate: Match.objectLike({ MaxBatchSize: 1, MinInstancesInService: 2, WaitOnResourceSignals: true }) },
    });
    const userData = JSON.stringify(t.findResources('AWS::EC2::LaunchTemplate'));
    expect(userData).toContain('cfn-signal');
    expect(userData).toContain("export DB_MODE='managed'");
  });

  test('scales on CPU at 70 % and on requests per target', () => {
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 70 }),
    });
    t.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({ TargetValue: 1000 }),
    });
  });

  test('drops invalid headers, logs access and resists deletion', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
  });

  test('serves HTTP on 80 without a certificate', () => {
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', Port: 80 });
  });

  test('admits the load balancer, and only it, to the instances on the app port', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 80, ToPort: 80,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('LbSg'), 'GroupId'] },
    });
  });

  test('alarms on the 5xx rate, p99 latency and unhealthy hosts', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 5, Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('elb5xx') })]) });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'TargetResponseTime', ExtendedStatistic: 'p99', Threshold: 2 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'UnHealthyHostCount' });
  });

  test('listens on HTTPS with a TLS 1.2+ policy and redirects HTTP when given a certificate', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    const https = build((stack) => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', arn) }));
    https.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' });
    https.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP', Port: 80,
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    https.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443 }), Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80 })]),
    });
  });

  describe('behind CloudFront', () => {
    const cloudFront = { prefixListId: 'pl-3b927c52', headerName: 'X-Origin-Verify', headerValue: 'from-a-secret' };
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    const prefixRules = (t: Template) => Object.entries<any>(t.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter(([, r]) => r.Properties.SourcePrefixListId === 'pl-3b927c52');

    test('admits the prefix list on the listener ports and forwards only requests with the header', () => {
      const cf = build(() => ({ cloudFront }));
      const groups = cf.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('LbSg') } });
      expect(Object.keys(groups)).toHaveLength(1);
      expect(JSON.stringify(groups)).not.toContain('0.0.0.0/0');
      cf.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourcePrefixListId: 'pl-3b927c52', FromPort: 80, ToPort: 443 });
      cf.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      cf.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) }],
      });
      cf.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Priority: 1,
        Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: ['from-a-secret'] } }],
      });
    });

    // CloudFront moves to HTTPS only after the app stack's update (the edge stack deploys last):
    // port 80 must keep serving it until then, and 443 must be admitted before.
    test('with a certificate, both listeners keep the header rule and the 403 default, and port 80 stays', () => {
      const cf = build((stack) => ({ cloudFront, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', arn) }));
      cf.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
      cf.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 2);
      for (const port of [80, 443]) {
        cf.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
          Port: port, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) }],
        });
      }
    });

    // VPC quota: 60 inbound rules per security group, and CloudFront's origin-facing prefix list
    // counts as 55. CloudFormation creates a replaced rule before it deletes the old one, so the
    // rule must be the same resource, unchanged, with or without a certificate and open or not.
    test('admits CloudFront through one rule that no setting changes', () => {
      const variants = [
        build(() => ({ cloudFront })),
        build(() => ({ cloudFront: { ...cloudFront, openToInternet: true } })),
        build((stack) => ({ cloudFront, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', arn) })),
        build((stack) => ({ cloudFront: { ...cloudFront, openToInternet: true }, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', arn) })),
      ].map(prefixRules);
      for (const rules of variants) expect(rules).toEqual(variants[0]);
      expect(variants[0]).toHaveLength(1);
    });

    // Closing the origin (openOrigin=true, then false) must only remove rules: CloudFormation
    // revokes the internet's inline rules in the network stack before anything of the app stack
    // could add CloudFront's, and a listener rule created after the default turns to 403 leaves
    // CloudFront with 403s in between.
    test('while open to the internet, CloudFront\'s rules exist already and requests without the header are served', () => {
      const open = build(() => ({ cloudFront: { ...cloudFront, openToInternet: true } }));
      const closed = build(() => ({ cloudFront }));
      expect(prefixRules(open)).toHaveLength(1);
      open.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80 })]),
      });
      open.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, DefaultActions: [Match.objectLike({ Type: 'forward' })] });
      expect(Object.keys(open.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')))
        .toEqual(Object.keys(closed.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')));
    });
  });

  test('hands the instances the cache and the queue, with read on the token and send on the queue', () => {
    const wired = build((stack) => ({
      cache: { endpoint: 'cache.example:6380', authToken: new secretsmanager.Secret(stack, 'Token') },
      queue: new sqs.Queue(stack, 'Queue'),
    }));
    const text = JSON.stringify(wired.toJSON());
    expect(text).toContain("export CACHE_ENDPOINT='cache.example:6380'");
    expect(text).toContain('export QUEUE_URL=');
    const statements = Object.values(wired.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['sqs:SendMessage']), Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Queue/), 'Arn'] } }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: expect.arrayContaining(['secretsmanager:GetSecretValue']), Resource: { Ref: expect.stringMatching(/^Token/) },
    }));
  });

  test('errors when fewer than 2 instances are asked for', () => {
    expect(() => build(() => ({ minCapacity: 1 }))).toThrow('WebTier needs minCapacity >= 2 (one instance per AZ), got 1');
  });

  // CloudFormation (AutoScalingRollingUpdate): MinInstancesInService must be less than the group's MaxSize.
  test('errors when maxCapacity does not exceed minCapacity, which the rolling update keeps in service', () => {
    expect(() => build(() => ({ minCapacity: 3, maxCapacity: 3 }))).toThrow(
      'WebTier needs maxCapacity > minCapacity (a rolling update keeps minCapacity in service and adds one replacement), got minCapacity 3 and maxCapacity 3: raise maxCapacity to at least 4');
    expect(() => build(() => ({ minCapacity: 4, maxCapacity: 3 }))).toThrow('WebTier needs maxCapacity > minCapacity');
    expect(() => build(() => ({ minCapacity: 3, maxCapacity: 4 }))).not.toThrow();
  });

  // Liveness is not readiness: with the ELB health type the group replaces every instance whose
  // target health check fails, so a check on /health (database and cache) would replace the
  // whole fleet during a dependency failover.
  test('checks targets, and so the group, on the liveness path, not on readiness', () => {
    expect(LIVENESS_PATH).toBe('/health/live');
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health/live' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'UnHealthyHostCount', AlarmDescription: Match.stringLikeRegexp('liveness check \\(/health/live\\)') });
    expect(JSON.stringify(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))).not.toContain('"/health"');
  });

  // Nothing changes unless the code says so: a template parameter of type
  // AWS::SSM::Parameter::Value<AWS::EC2::Image::Id> is re-resolved on every deploy, so a new
  // Amazon Linux release would roll every instance on an unrelated deploy.
  test('reads the default image through a dynamic reference, not a parameter every deploy re-resolves', () => {
    expect(JSON.stringify(t.toJSON().Parameters ?? {})).not.toContain('AWS::EC2::Image::Id');
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ ImageId: `{{resolve:ssm:${AL2023_ARM64_PARAMETER}}}` }),
    });
  });

  test('runs the given image as a literal AMI ID', () => {
    const pinned = build(() => ({ machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }) }));
    pinned.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ ImageId: 'ami-0123456789abcdef0' }) });
  });

  // ELB: a load balancer takes one listener per port (DuplicateListener), and CloudFormation
  // creates a resource under a new logical ID before it deletes the old one. So whether a
  // certificate is given or the load balancer sits behind CloudFront, a port must always belong
  // to the same logical ID, or adding the certificate to a deployed stage fails.
  test('keeps each listener port under one logical ID with or without a certificate and behind CloudFront or not', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    const cloudFront = { prefixListId: 'pl-3b927c52', headerName: 'X-Origin-Verify', headerValue: 'from-a-secret' };
    const variants: Array<(stack: Stack) => Partial<WebTierProps>> = [
      () => ({}),
      (stack) => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', arn) }),
      () => ({ cloudFront }),
      (stack) => ({ cloudFront, certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', arn) }),
    ];
    const owners = new Map<number, Set<string>>();
    for (const variant of variants) {
      const listeners = build(variant).findResources('AWS::ElasticLoadBalancingV2::Listener');
      const ports = Object.values<any>(listeners).map((l) => l.Properties.Port);
      expect(new Set(ports).size).toBe(ports.length);
      for (const [logicalId, l] of Object.entries<any>(listeners)) {
        owners.set(l.Properties.Port, (owners.get(l.Properties.Port) ?? new Set()).add(logicalId));
      }
    }
    expect(Object.fromEntries([...owners].map(([port, ids]) => [port, [...ids]]))).toEqual({
      80: [expect.stringMatching(/^WebLoadBalancerHttpListener/)],
      443: [expect.stringMatching(/^WebLoadBalancerHttpsListener/)],
    });
  });
});
