/**
 * Every built stage, synthesized as `cdk synth` does: cdk-nag and the bundled CloudFormation
 * validator clean, within quotas, secure by default, and one snapshot per template.
 */
import { Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { APP_PORT, DATABASE_PORT } from '../../core/naming';
import { moveUpAlarmName, STAGES } from '../../core/stages';
import { BUILT_STAGES } from '../../stages';
import { bootScript } from '../../lib/boot/boot-script';
import { bootScriptHash, cloudFormationInventory } from '../support/inventory';
import { synthApp, SynthesizedStage, synthStage } from '../support/synth';
import { coversPort, findKey, ingressRules, resourcesOfType, STATEFUL_TYPES } from '../support/templates';

const NETWORK = 'webapp-network';
const DATA = 'webapp-data';
const APP = 'webapp-app';
const EDGE = 'webapp-edge';

describe.each(BUILT_STAGES)('stage %i', (stage) => {
  let s: SynthesizedStage;
  beforeAll(() => {
    s = synthStage(stage);
  });
  const all = () => Object.values(s.templates);

  test('has no unacknowledged cdk-nag finding and no validator error or warning', () => {
    expect(s.violations).toEqual([]);
  });

  test('keeps its stack names and protects the stateful stacks from deletion', () => {
    const expected: Record<string, boolean> = { [NETWORK]: true, [DATA]: true, [APP]: false };
    if (stage >= 4) expected[EDGE] = true;
    if (stage >= 5) Object.assign(expected, { [`${NETWORK}-us-west-2`]: true, [`${DATA}-us-west-2`]: true, [`${APP}-us-west-2`]: false });
    expect(Object.keys(s.templates).sort()).toEqual(Object.keys(expected).sort());
    expect(s.terminationProtection).toEqual(expected);
  });

  test('stays well within CloudFormation quotas', () => {
    for (const t of all()) {
      expect(Object.keys(t.Resources).length).toBeLessThanOrEqual(250);
      expect(Object.keys(t.Outputs ?? {}).length).toBeLessThanOrEqual(100);
      expect(JSON.stringify(t).length).toBeLessThan(1_000_000);
    }
  });

  test('opens no SSH or RDP port and admits the internet only on 80 and 443', () => {
    for (const t of all()) {
      for (const { rule } of ingressRules(t)) {
        expect(coversPort(rule, 22) || coversPort(rule, 3389)).toBe(false);
        if (rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0') {
          expect([80, 443]).toContain(rule.FromPort);
          expect(rule.ToPort).toBe(rule.FromPort);
        }
      }
    }
  });

  test('requires IMDSv2 and encrypts every EBS volume', () => {
    for (const t of all()) {
      for (const [, lt] of resourcesOfType(t, 'AWS::EC2::LaunchTemplate')) {
        expect(lt.Properties.LaunchTemplateData.MetadataOptions.HttpTokens).toBe('required');
      }
      for (const [, v] of resourcesOfType(t, 'AWS::EC2::Volume')) expect(v.Properties.Encrypted).toBe(true);
      for (const mapping of findKey(t, 'BlockDeviceMappings').flat() as any[]) expect(mapping.Ebs.Encrypted).toBe(true);
    }
    const instances = [...resourcesOfType(s.templates[APP], 'AWS::EC2::Instance')];
    const templates = resourcesOfType(s.templates[APP], 'AWS::EC2::LaunchTemplate');
    expect(templates.length).toBeGreaterThanOrEqual(instances.length);
  });

  test('blocks public access to every bucket, encrypts it and refuses plain HTTP', () => {
    for (const t of all()) {
      for (const [id, bucket] of resourcesOfType(t, 'AWS::S3::Bucket')) {
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.BucketEncryption).toBeDefined();
        const policies = resourcesOfType(t, 'AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === id);
        expect(policies).toHaveLength(1);
        expect(policies[0][1].Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
          Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }));
      }
    }
  });

  test('logs all VPC traffic', () => {
    s.template(NETWORK).hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
  });

  // RetainExceptOnCreate keeps it too; only a failed first create, before any data, deletes it.
  test('gives every stateful resource in the data stacks a Snapshot or Retain policy', () => {
    const dataStacks = Object.keys(s.templates).filter((name) => name.startsWith(DATA));
    for (const [, r] of dataStacks.flatMap((name) => Object.entries(s.templates[name].Resources))) {
      // Aurora instances hold no data of their own: the cluster's Snapshot policy covers them.
      if (STATEFUL_TYPES.has(r.Type) && r.Type !== 'AWS::RDS::DBInstance') {
        expect(['Snapshot', 'Retain', 'RetainExceptOnCreate']).toContain(r.DeletionPolicy);
      }
    }
  });

  test('sends every alarm to the alarm topic of its own region', () => {
    let count = 0;
    for (const [name, t] of Object.entries(s.templates)) {
      // Default context: the primary region and the edge are us-east-1, stage 5's second region us-west-2.
      const region = name.endsWith('-us-west-2') ? 'us-west-2' : 'us-east-1';
      for (const [, alarm] of resourcesOfType(t, 'AWS::CloudWatch::Alarm')) {
        count++;
        // Besides the topic, an alarm may act on its instance (EC2 auto-recovery).
        const topics = alarm.Properties.AlarmActions.filter((a: any) => /Alarms/.test(JSON.stringify(a.Ref ?? a['Fn::GetStackOutput'] ?? '')));
        expect(topics).toHaveLength(1);
        if (topics[0]['Fn::GetStackOutput']) expect(topics[0]['Fn::GetStackOutput'].Region).toBe(region);
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  test('carries the move-up alarms the ladder lists for it, sent to the alarm topic', () => {
    const definition = STAGES[stage - 1];
    const names = resourcesOfType(s.templates[APP], 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.AlarmName)
      .filter((name) => name?.includes('-move-to-'));
    expect(names.sort()).toEqual(definition.moveUpAlarms.map((a) => moveUpAlarmName('webapp', definition, a)).sort());
  });

  // An inventory per stack (resources, policies on removal, one line per property; user data as
  // its settings and the boot script's hash): a template change reads as the lines it changes.
  test('matches the inventory of every template', () => {
    for (const [name, t] of Object.entries(s.templates).sort()) expect(cloudFormationInventory(t)).toMatchSnapshot(name);
  });

  if (stage >= 2) {
    test('runs Aurora PostgreSQL encrypted, TLS-only, backed up and protected, in the data subnets', () => {
      const data = s.template(DATA);
      data.hasResource('AWS::RDS::DBCluster', {
        DeletionPolicy: 'Snapshot',
        UpdateReplacePolicy: 'Snapshot',
        Properties: Match.objectLike({
          Engine: 'aurora-postgresql',
          StorageEncrypted: true,
          DeletionProtection: true,
          BackupRetentionPeriod: 7,
          Port: DATABASE_PORT,
          ServerlessV2ScalingConfiguration: Match.anyValue(),
          MasterUsername: Match.anyValue(),
        }),
      });
      data.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
        Parameters: Match.objectLike({ 'rds.force_ssl': '1' }),
      });
      data.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
        SubnetIds: Match.arrayWith([Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('VpcDataSubnet1') }) })]),
      });
      data.resourceCountIs('AWS::SecretsManager::Secret', stage < 4 ? 1 : 2); // from stage 4, the cache's AUTH token
    });

    test('admits only the app (and from stage 4 the workers) to the database and the cache, on their ports', () => {
      const rules = ingressRules(s.templates[DATA]);
      expect(rules.length).toBeGreaterThan(0);
      const sources = new Set<string>();
      for (const { rule } of rules) {
        expect(rule.CidrIp).toBeUndefined();
        const source = /(App|Worker)SecurityGroup/.exec(JSON.stringify(rule.SourceSecurityGroupId));
        expect(source).not.toBeNull();
        sources.add(`${source![1]}:${rule.FromPort}`);
        expect(rule.ToPort).toBe(rule.FromPort);
      }
      const expected = stage < 4 ? [`App:${DATABASE_PORT}`]
        : [`App:${DATABASE_PORT}`, 'App:6380', `Worker:${DATABASE_PORT}`, 'Worker:6380'];
      expect([...sources].sort()).toEqual(expected.sort());
    });
  }
});

describe('stage 1: single box', () => {
  let s: SynthesizedStage;
  beforeAll(() => {
    s = synthStage('single-box');
  });

  test('runs one Graviton instance with PostgreSQL on an encrypted, snapshotted data volume', () => {
    const app = s.template(APP);
    app.resourceCountIs('AWS::EC2::Instance', 1);
    app.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.small',
      Monitoring: true,
      // Resolved when the box is created or replaced, not at every deploy (issue 11 item 8).
      ImageId: Match.stringLikeRegexp('^\\{\\{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023.*arm64\\}\\}$'),
      UserData: { 'Fn::Base64': Match.objectLike({}) },
    });
    expect(JSON.stringify(s.templates[APP])).toContain("export DB_MODE='local'");
    s.template(DATA).hasResource('AWS::EC2::Volume', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({ Encrypted: true, VolumeType: 'gp3', AvailabilityZone: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } }),
    });
    s.template(DATA).hasResourceProperties('AWS::DLM::LifecyclePolicy', {
      State: 'ENABLED',
      PolicyDetails: Match.objectLike({ ResourceTypes: ['VOLUME'], Schedules: [Match.objectLike({ RetainRule: { Count: 7 } })] }),
    });
  });

  test('serves through an Elastic IP it keeps when the box is retired, with no NAT gateway', () => {
    s.template(APP).hasResource('AWS::EC2::EIP', { DeletionPolicy: 'Retain' });
    s.template(APP).resourceCountIs('AWS::EC2::EIPAssociation', 1);
    s.template(NETWORK).resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  test('recovers the instance on a failed system status check', () => {
    s.template(APP).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'StatusCheckFailed_System',
      AlarmActions: Match.arrayWith(['arn:aws:automate:us-east-1:ec2:recover']),
    });
  });

  test('alarms on CPU, memory and disk through the CloudWatch agent', () => {
    const metrics = resourcesOfType(s.templates[APP], 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.MetricName);
    expect(metrics).toEqual(expect.arrayContaining(['CPUUtilization', 'mem_used_percent', 'disk_used_percent', 'StatusCheckFailed_Instance']));
  });

  test('opens the app security group on 80 and 443 only', () => {
    s.template(NETWORK).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'App instances',
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: APP_PORT, ToPort: APP_PORT }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
      ],
    });
  });
});

describe('stage 2: split database', () => {
  let s: SynthesizedStage;
  beforeAll(() => {
    s = synthStage('split-db');
  });

  test('points the box at Aurora and lets it read only the database secret', () => {
    const app = JSON.stringify(s.templates[APP]);
    expect(app).toContain("export DB_MODE='managed'");
    expect(app).toContain('export DB_SECRET_ARN=');
    s.template(APP).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ StackName: DATA }) }),
        })]),
      },
    });
  });

  test('keeps the stage-1 volume attached as the source of the copy into Aurora', () => {
    expect(JSON.stringify(s.templates[APP])).toContain('export DATA_VOLUME_ID=');
    s.template(DATA).resourceCountIs('AWS::EC2::Volume', 1);
  });

  test('has a writer and no reader yet', () => {
    s.template(DATA).resourceCountIs('AWS::RDS::DBInstance', 1);
  });
});

describe('stage 3: load balanced', () => {
  let s: SynthesizedStage;
  beforeAll(() => {
    s = synthStage('load-balanced');
  });

  test('replaces the box with an Auto Scaling group across both app subnets', () => {
    const app = s.template(APP);
    app.resourceCountIs('AWS::EC2::Instance', 0);
    app.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '6',
      HealthCheckType: 'ELB',
      VPCZoneIdentifier: [
        Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('VpcAppSubnet1') }) }),
        Match.objectLike({ 'Fn::GetStackOutput': Match.objectLike({ OutputName: Match.stringLikeRegexp('VpcAppSubnet2') }) }),
      ],
    });
    app.hasResource('AWS::AutoScaling::AutoScalingGroup', {
      UpdatePolicy: { AutoScalingRollingUpdate: Match.objectLike({ MaxBatchSize: 1, WaitOnResourceSignals: true }) },
      CreationPolicy: Match.objectLike({ ResourceSignal: Match.objectLike({ Count: 2 }) }),
    });
  });

  test('health-checks liveness (/health/live, not the dependencies) and scales on CPU and on requests per target', () => {
    const app = s.template(APP);
    app.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health/live', Port: APP_PORT });
    app.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 70,
      }),
    });
    app.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
  });

  test('drops invalid headers, protects the load balancer from deletion and logs access', () => {
    s.template(APP).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
    s.template(DATA).hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  test('serves plain HTTP without a certificate', () => {
    s.template(APP).resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS' }, 0);
    s.template(APP).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTP', Port: 80 });
  });

  test('admits only the load balancer to the app instances', () => {
    const network = s.templates[NETWORK];
    const appGroup = resourcesOfType(network, 'AWS::EC2::SecurityGroup').find(([, g]) => g.Properties.GroupDescription === 'App instances')!;
    expect(appGroup[1].Properties.SecurityGroupIngress).toBeUndefined();
    const rules = ingressRules(network).filter(({ group }) => JSON.stringify(group).includes(appGroup[0]));
    expect(rules).toHaveLength(1);
    expect(JSON.stringify(rules[0].rule.SourceSecurityGroupId)).toMatch(/LoadBalancerSecurityGroup/);
    expect(rules[0].rule.FromPort).toBe(APP_PORT);
  });

  test('gives the app subnets egress through a NAT gateway per AZ', () => {
    s.template(NETWORK).resourceCountIs('AWS::EC2::NatGateway', 2);
  });

  test('adds an Aurora reader in the second AZ', () => {
    const instances = resourcesOfType(s.templates[DATA], 'AWS::RDS::DBInstance').map(([, i]) => i.Properties.AvailabilityZone);
    expect(instances).toEqual([
      { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] },
    ]);
    expect(JSON.stringify(s.templates[APP])).toContain('export DB_READER_HOST=');
  });

  test('alarms on the 5xx rate, p99 latency, unhealthy hosts, database CPU and connections', () => {
    const descriptions = [...resourcesOfType(s.templates[APP], 'AWS::CloudWatch::Alarm'), ...resourcesOfType(s.templates[DATA], 'AWS::CloudWatch::Alarm')]
      .map(([id]) => id);
    for (const name of ['WebErrorRateAlarm', 'WebLatencyAlarm', 'WebUnhealthyHostsAlarm', 'DatabaseCpuAlarm', 'DatabaseConnectionsAlarm']) {
      expect(descriptions.some((id) => id.startsWith(name))).toBe(true);
    }
  });
});

describe('stage 4: cache and CDN', () => {
  let s: SynthesizedStage;
  beforeAll(() => {
    s = synthStage(4);
  });
  const resources = (stack: string, type: string) => resourcesOfType(s.templates[stack], type).map(([, r]) => r);
  const SECRET_REF = '{{resolve:secretsmanager:webapp/origin-verify:SecretString:::}}';

  test('admits only CloudFront to the load balancer: its prefix list on the listener ports (one rule), and the secret header', () => {
    const rules = ingressRules(s.templates[NETWORK]).filter(({ group }) => /LoadBalancerSecurityGroup/.test(JSON.stringify(group)));
    expect(rules.map(({ rule }) => [rule.FromPort, rule.ToPort, rule.CidrIp, JSON.stringify(rule.SourcePrefixListId)])).toEqual([
      [80, 443, undefined, expect.stringMatching(/CloudFrontPrefixList.*PrefixLists\.0\.PrefixListId/)],
    ]);
    s.template(NETWORK).hasResourceProperties('Custom::AWS', {
      Create: Match.stringLikeRegexp('com\\.amazonaws\\.global\\.cloudfront\\.origin-facing'),
    });
    const [listener] = resources(APP, 'AWS::ElasticLoadBalancingV2::Listener');
    expect(listener.Properties).toMatchObject({ Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '403' } }] });
    s.template(APP).hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Origin-Verify', Values: [SECRET_REF] } }],
      Actions: [Match.objectLike({ Type: 'forward' })],
    });
  });

  test('sends the same secret header from CloudFront, generated once in the network stack', () => {
    s.template(NETWORK).hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'webapp/origin-verify', GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
    });
    const [distribution] = resources(EDGE, 'AWS::CloudFront::Distribution');
    const albOrigin = distribution.Properties.DistributionConfig.Origins.find((o: any) => o.CustomOriginConfig);
    expect(albOrigin.OriginCustomHeaders).toEqual([{ HeaderName: 'X-Origin-Verify', HeaderValue: SECRET_REF }]);
    // The load balancer's DNS name, read from the app stack in the primary region.
    expect(albOrigin.DomainName).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ StackName: APP, Region: 'us-east-1' }) });
  });

  test('puts the web ACL, the distribution and its alarm in us-east-1, the alarm to a topic of its own', () => {
    const [acl] = resources(EDGE, 'AWS::WAFv2::WebACL');
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    const [distribution] = resources(EDGE, 'AWS::CloudFront::Distribution');
    expect(distribution.Properties.DistributionConfig.WebACLId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WebAcl/), 'Arn'] });
    const [alarm] = resources(EDGE, 'AWS::CloudWatch::Alarm');
    expect(alarm.Properties.MetricName).toBe('5xxErrorRate');
    expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
    expect(s.templates[EDGE].Outputs?.SiteDomainName).toBeDefined();
  });

  test('serves static assets from a bucket only CloudFront reads, uploaded under content-hashed names', () => {
    const policy = resources(DATA, 'AWS::S3::BucketPolicy').find((p) => /^Assets/.test(p.Properties.Bucket.Ref))!;
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
      Effect: 'Allow', Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject',
      Condition: { StringLike: { 'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/*']] } } },
    }));
    const [upload] = resources(DATA, 'Custom::CDKBucketDeployment');
    expect(upload.Properties).toMatchObject({ DestinationBucketKeyPrefix: 'static/', Prune: false, SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' } });
    const [distribution] = resources(EDGE, 'AWS::CloudFront::Distribution');
    const s3Origin = distribution.Properties.DistributionConfig.Origins.find((o: any) => o.S3OriginConfig);
    expect(s3Origin.OriginAccessControlId).toBeDefined();
  });

  test('keeps sessions and cached reads in Valkey and sends jobs to the queue that the workers consume', () => {
    const app = JSON.stringify(s.templates[APP]);
    for (const setting of ['CACHE_ENDPOINT', 'CACHE_SECRET_ARN', 'QUEUE_URL']) expect(app).toContain(`export ${setting}=`);
    const [cache] = resources(DATA, 'AWS::ElastiCache::ReplicationGroup');
    expect(cache).toMatchObject({ DeletionPolicy: 'Snapshot', Properties: { Engine: 'valkey', TransitEncryptionMode: 'required', MultiAZEnabled: true } });
    const groups = resources(APP, 'AWS::AutoScaling::AutoScalingGroup');
    expect(groups).toHaveLength(2);
    s.template(APP).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({ CustomizedMetricSpecification: Match.objectLike({
        Metrics: Match.arrayWith([Match.objectLike({ Expression: 'visible / MAX([workers, 1])' })]),
      }) }),
    });
    const policies = JSON.stringify(resources(APP, 'AWS::IAM::Policy'));
    expect(policies).toContain('sqs:SendMessage');
    expect(policies).toContain('sqs:ReceiveMessage');
  });

  test('retires the stage-1 volume', () => {
    expect(resourcesOfType(s.templates[DATA], 'AWS::EC2::Volume')).toEqual([]);
  });
});

describe('stage 4 during the move to CloudFront (openOrigin=true)', () => {
  test('keeps the load balancer open as at stage 3, with everything else of stage 4', () => {
    process.env.CDK_VALIDATION = 'false';
    const s = synthStage(4, { openOrigin: 'true' });
    delete process.env.CDK_VALIDATION;
    // Open as at stage 3, and CloudFront's rule beside it already, so closing only removes (runbook 3-to-4).
    const rules = ingressRules(s.templates[NETWORK]).filter(({ group }) => /LoadBalancerSecurityGroup/.test(JSON.stringify(group)));
    expect(rules.map(({ rule }) => [rule.CidrIp ?? 'CloudFront', rule.FromPort, rule.ToPort])).toEqual([['0.0.0.0/0', 80, 80], ['CloudFront', 80, 443]]);
    expect(resourcesOfType(s.templates[NETWORK], 'Custom::AWS')).toHaveLength(1);
    s.template(APP).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { DefaultActions: [Match.objectLike({ Type: 'forward' })] });
    s.template(EDGE).resourceCountIs('AWS::CloudFront::Distribution', 1);
  });
});

describe('stage 4 in another region', () => {
  test('replicates the origin-verify secret to us-east-1, where the edge stack stays', () => {
    const s = synthStage(4, { region: 'eu-west-1' });
    expect(s.violations).toEqual([]);
    s.template(NETWORK).hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'webapp/origin-verify', ReplicaRegions: [{ Region: 'us-east-1' }],
    });
    s.template(EDGE).hasResourceProperties('AWS::CloudFront::Distribution', Match.anyValue());
    const [origin] = resourcesOfType(s.templates[EDGE], 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig.Origins
      .filter((o: any) => o.CustomOriginConfig);
    expect(origin.DomainName['Fn::GetStackOutput']).toMatchObject({ StackName: APP, Region: 'eu-west-1' });
  });
});

describe('stage 5: multi-region', () => {
  let s: SynthesizedStage;
  beforeAll(() => {
    s = synthStage(5);
  });
  const DATA2 = `${DATA}-us-west-2`;
  const APP2 = `${APP}-us-west-2`;
  const resources = (stack: string, type: string) => resourcesOfType(s.templates[stack], type);

  test('makes the stage-2 cluster the primary of a global database without touching its identity', () => {
    const [[clusterId, cluster]] = resources(DATA, 'AWS::RDS::DBCluster');
    expect(clusterId).toBe('DatabaseCluster5B53A178');
    expect(cluster.Properties.GlobalClusterIdentifier).toBeUndefined();
    expect(cluster.Properties.ServerlessV2ScalingConfiguration.MinCapacity).toBe(0.5);
    const [[, global]] = resources(DATA, 'AWS::RDS::GlobalCluster');
    expect(global).toMatchObject({ DeletionPolicy: 'Retain', Properties: { GlobalClusterIdentifier: 'webapp-global', DeletionProtection: true } });
    expect(JSON.stringify(global.Properties.SourceDBClusterIdentifier)).toContain(clusterId);
  });

  test('replicates the database secret and the origin-verify secret to the second region', () => {
    const [[, dbSecret]] = resources(DATA, 'AWS::SecretsManager::Secret').filter(([id]) => id.includes('DatabaseClusterSecret'));
    expect(dbSecret.Properties.ReplicaRegions).toEqual([{ Region: 'us-west-2' }]);
    s.template(NETWORK).hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'webapp/origin-verify', ReplicaRegions: [{ Region: 'us-west-2' }] });
  });

  test('joins a secondary cluster in the second region: no users of its own, encrypted with its own key', () => {
    const [[, cluster]] = resources(DATA2, 'AWS::RDS::DBCluster');
    expect(cluster).toMatchObject({
      DeletionPolicy: 'Snapshot',
      Properties: {
        GlobalClusterIdentifier: 'webapp-global', Engine: 'aurora-postgresql', EngineVersion: '16.6', Port: DATABASE_PORT,
        StorageEncrypted: true, KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseKey/), 'Arn'] },
        DeletionProtection: true, BackupRetentionPeriod: 7,
      },
    });
    expect(cluster.Properties.MasterUsername).toBeUndefined();
    // Aurora PostgreSQL global write forwarding: a secondary refuses writes without it.
    expect(cluster.Properties.EnableGlobalWriteForwarding).toBe(true);
    for (const stack of [DATA, DATA2]) {
      expect(resources(stack, 'AWS::RDS::DBInstance').map(([, i]) => i.Properties.AutoMinorVersionUpgrade)).toEqual([false, false]);
    }
    s.template(DATA2).hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    s.template(DATA2).hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: Match.objectLike({ 'rds.force_ssl': '1' }) });
    expect(resources(DATA2, 'AWS::RDS::DBInstance')).toHaveLength(2);
  });

  test('points the second region at its own cluster with the replicated secret, and at its own cache and queue', () => {
    const app2 = JSON.stringify(s.templates[APP2]);
    expect(app2).toMatch(/export DB_SECRET_ARN='",\{"Fn::Join":\[":",\[.*?"us-west-2"/);
    // Each region reads and writes through its own cluster (the second through global write
    // forwarding): no instance looks up or connects to the global writer endpoint in another region.
    expect(app2).toMatch(/export DB_READER_HOST='",\{"Fn::GetStackOutput":\{"StackName":"webapp-data-us-west-2","Region":"us-west-2"/);
    expect(app2).toMatch(/export DB_HOST='",\{"Fn::GetStackOutput":\{"StackName":"webapp-data-us-west-2","Region":"us-west-2"/);
    // Schema migrations (DDL, which forwarding refuses) run in the primary region only.
    expect(app2).toContain("export DB_MIGRATE='false'");
    expect(app2).toContain("export DB_WRITE_FORWARDING='true'");
    expect(JSON.stringify(s.templates[APP])).not.toContain("export DB_MIGRATE='false'");
    for (const name of [APP, APP2]) {
      expect(JSON.stringify(s.templates[name])).not.toContain('DB_GLOBAL_CLUSTER');
      const actions = resourcesOfType(s.templates[name], 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement).flatMap((st: any) => [st.Action].flat());
      expect(actions).not.toContain('rds:DescribeGlobalClusters');
    }
    const crossRegion: string[] = [];
    for (const [name, t] of Object.entries(s.templates).filter(([n]) => n.endsWith('-us-west-2'))) {
      for (const ref of findKey(t, 'Fn::GetStackOutput') as any[]) {
        if (ref.Region !== 'us-west-2') crossRegion.push(`${name} <- ${ref.StackName}/${ref.OutputName}`);
      }
    }
    // The only value read across regions: the primary's secret ARN, whose replica this region reads.
    expect([...new Set(crossRegion)]).toEqual([`${APP2} <- ${DATA}/PublishOutputRefDatabaseClusterSecretAttachmentDC8466C018C8179C`]);
  });

  test('fails reads over per request to the second region and sends writes to their own behavior', () => {
    const [[, distribution]] = resources(EDGE, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    const [group] = config.OriginGroups.Items;
    expect(group.FailoverCriteria.StatusCodes.Items.sort()).toEqual([500, 502, 503, 504]);
    const members = group.Members.Items.map((m: any) => config.Origins.find((o: any) => o.Id === m.OriginId).DomainName['Fn::GetStackOutput']);
    expect(members.map((m: any) => [m.StackName, m.Region])).toEqual([[APP, 'us-east-1'], [APP2, 'us-west-2']]);
    expect(config.DefaultCacheBehavior).toMatchObject({ TargetOriginId: group.Id, AllowedMethods: ['GET', 'HEAD', 'OPTIONS'] });
    expect(config.CacheBehaviors.find((b: any) => b.PathPattern === '/jobs').AllowedMethods).toContain('POST');
  });

  test('has a serving alarm per region for Route 53 to read', () => {
    s.template(APP).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'webapp-us-east-1-serving', MetricName: 'HealthyHostCount', TreatMissingData: 'breaching' });
    s.template(APP2).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'webapp-us-west-2-serving' });
  });
});

describe('stage 5 with a hosted zone', () => {
  test('fails the write origin over in Route 53 on each region\'s serving alarm, and names each region\'s origin', () => {
    process.env.CDK_VALIDATION = 'false';
    const s = synthStage(5, { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' });
    delete process.env.CDK_VALIDATION;
    const edge = s.template(EDGE);
    for (const region of ['us-east-1', 'us-west-2']) {
      edge.hasResourceProperties('AWS::Route53::HealthCheck', {
        HealthCheckConfig: { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: region, Name: `webapp-${region}-serving` }, InsufficientDataHealthStatus: 'Unhealthy' },
      });
    }
    for (const failover of ['PRIMARY', 'SECONDARY']) {
      edge.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'origin-failover.example.com', Type: 'A', Failover: failover, HostedZoneId: 'Z0123456789ABCDEFGHIJ',
        AliasTarget: Match.objectLike({ EvaluateTargetHealth: true }), HealthCheckId: Match.anyValue(),
      });
    }
    const config = resourcesOfType(s.templates[EDGE], 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
    const origin = (id: string) => config.Origins.find((o: any) => o.Id === id).DomainName;
    expect(config.OriginGroups.Items[0].Members.Items.map((m: any) => origin(m.OriginId))).toEqual(['origin-us-east-1.example.com', 'origin-us-west-2.example.com']);
    expect(origin(config.CacheBehaviors.find((b: any) => b.PathPattern === '/jobs').TargetOriginId)).toBe('origin-failover.example.com');
    // Route 53 refuses a record set beside a plain record of the same name and type: stage 4's
    // runbook has users create origin.<zone> by hand (originDomainName), so stage 5 never names it.
    const names = resourcesOfType(s.templates[EDGE], 'AWS::Route53::RecordSet').map(([, r]) => r.Properties.Name);
    expect(names).toHaveLength(4);
    expect(names).not.toContain('origin.example.com');
    // The distribution names its origins as plain strings: it waits for the records, so no edge
    // location resolves a name before it exists (and caches NXDOMAIN).
    const [distributionId, distribution] = resourcesOfType(s.templates[EDGE], 'AWS::CloudFront::Distribution')[0];
    const recordIds = resourcesOfType(s.templates[EDGE], 'AWS::Route53::RecordSet').map(([id]) => id);
    expect(distribution.DependsOn).toEqual(expect.arrayContaining(recordIds));
    expect(distributionId).toMatch(/^Site/);
  });
});

describe('stage 3 with a certificate', () => {
  test('listens on HTTPS with a TLS 1.2+ policy and redirects HTTP', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    process.env.CDK_VALIDATION = 'false';
    const s = synthStage(3, { certificateArn: arn });
    delete process.env.CDK_VALIDATION;
    const app = s.template(APP);
    app.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS', Port: 443, Certificates: [{ CertificateArn: arn }], SslPolicy: Match.stringLikeRegexp('TLS13-1-2'),
    });
    app.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTP', Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect', RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }) })],
    });
  });
});

describe('the validation plumbing', () => {
  test('reports cdk-nag findings and validator warnings when a template has them', () => {
    const s = synthApp((app) => {
      const stack = new Stack(app, 'Canary', { env: { region: 'us-east-1' } });
      new ec2.CfnSecurityGroup(stack, 'OpenSsh', {
        groupDescription: 'canary',
        vpcId: 'vpc-0123456789abcdef0',
        securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' }],
      });
    });
    const rules = s.violations.map((v) => `${v.plugin}/${v.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions/AwsSolutions-EC23', 'CloudFormation Validate/W2508']));
  });
});

// The boot script once, and every inventory names it by this hash.
test('the boot script every instance runs', () => {
  expect(bootScript()).toMatchSnapshot();
  const inventories = [1, 4].map((stage) => Object.values(synthStage(stage).templates).map(cloudFormationInventory).join('\n')).join('\n');
  expect(inventories).toContain(`<boot script ${bootScriptHash(bootScript())}>`);
  expect(new Set(inventories.match(/<boot script \w+>/g))).toEqual(new Set([`<boot script ${bootScriptHash(bootScript())}>`]));
});
