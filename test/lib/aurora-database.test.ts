import { Template, Match } from 'aws-cdk-lib/assertions';
import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AuroraDatabase, AuroraDatabaseProps } from '../../lib/aurora-database';
import { AURORA_POSTGRES_VERSION } from '../../core/settings';
import { bareStack, testVpc } from '../support/bare-stack';

function build(extra: Partial<AuroraDatabaseProps> = {}, withTopic = false) {
  const stack = bareStack();
  const vpc = testVpc(stack);
  const db = new AuroraDatabase(stack, 'Database', {
    vpc, subnets: { subnetGroupName: 'Data' }, ...(withTopic ? { alarmTopic: new sns.Topic(stack, 'Topic') } : {}), ...extra,
  });
  return { db, t: Template.fromStack(stack) };
}

describe('AuroraDatabase', () => {
  const { t } = build();

  test('is Serverless v2 PostgreSQL, encrypted, backed up for 7 days, protected and snapshotted', () => {
    t.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        DatabaseName: 'app',
        StorageEncrypted: true,
        DeletionProtection: true,
        EnableIAMDatabaseAuthentication: true,
        BackupRetentionPeriod: 7,
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
        EnableCloudwatchLogsExports: ['postgresql'],
      }),
    });
    t.resourceCountIs('AWS::RDS::DBInstance', 1);
  });

  test('requires TLS through its parameter group', () => {
    t.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: Match.objectLike({ 'rds.force_ssl': '1' }) });
  });

  test('keeps its credentials in a generated secret that outlives the cluster', () => {
    t.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }) }),
    });
    t.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  test('admits nobody until connections are opened', () => {
    const groups = Object.values(t.findResources('AWS::EC2::SecurityGroup'));
    expect(groups.every((g) => g.Properties.SecurityGroupIngress === undefined)).toBe(true);
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('places each reader in the next AZ after the writer', () => {
    const { t: withReaders } = build({ readers: 2 });
    const azs = Object.values(withReaders.findResources('AWS::RDS::DBInstance')).map((i) => i.Properties.AvailabilityZone);
    expect(azs).toHaveLength(3);
    expect(azs[1]).not.toEqual(azs[0]);
    expect(azs[2]).toEqual(azs[0]);
  });

  test('alarms on CPU and connections only when given a topic', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    const { t: alarmed } = build({}, true);
    alarmed.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Threshold: 80 });
    alarmed.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DatabaseConnections' });
  });

  // Aurora: a global database's clusters must run one engine version; an instance that upgrades its
  // own minor in a maintenance window drifts from the secondary stage 5 creates and from Terraform's
  // pinned engine_version (which would then plan a downgrade).
  test('pins the engine version of core/settings.ts, with automatic minor version upgrades off on every instance', () => {
    const { t: withReaders } = build({ readers: 2 });
    withReaders.hasResourceProperties('AWS::RDS::DBCluster', { EngineVersion: AURORA_POSTGRES_VERSION });
    const instances = Object.values(withReaders.findResources('AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(3);
    expect(instances.map((i) => i.Properties.AutoMinorVersionUpgrade)).toEqual([false, false, false]);
  });

  test.each([-1, 16, 1.5])('errors when readers is %p', (readers) => {
    expect(() => build({ readers })).toThrow(`AuroraDatabase readers must be an integer from 0 to 15, got ${readers}`);
  });

  test('replicates its secret to the regions it is given, and to none by default', () => {
    expect(t.findResources('AWS::SecretsManager::Secret', { Properties: { ReplicaRegions: Match.anyValue() } })).toEqual({});
    build({ secretReplicaRegions: ['us-west-2'] }).t.hasResourceProperties('AWS::SecretsManager::Secret', {
      ReplicaRegions: [{ Region: 'us-west-2' }],
    });
  });

  test.each([
    [['us-east-1'], "'us-east-1' is the cluster's own region"],
    [['uswest2'], "'uswest2' is not a region name"],
    [['us-west-2', 'us-west-2'], 'lists a region twice'],
  ])('errors when secretReplicaRegions is %p', (secretReplicaRegions, message) => {
    expect(() => build({ secretReplicaRegions })).toThrow(message);
  });
});

describe('AuroraDatabase hardening', () => {
  test('opens no outbound connection: its security group keeps only the placeholder rule', () => {
    build().t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'RDS security group',
      SecurityGroupEgress: [{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }],
    });
  });

  test('has no enhanced monitoring by default', () => {
    const { t } = build();
    t.hasResourceProperties('AWS::RDS::DBInstance', { MonitoringInterval: Match.absent() });
    expect(Object.keys(t.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })] }) } }))).toEqual([]);
  });

  test('monitoringInterval turns on enhanced monitoring of every instance through a monitoring role', () => {
    const { t } = build({ readers: 1, monitoringInterval: Duration.seconds(60) });
    const instances = Object.values(t.findResources('AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(2);
    for (const i of instances) {
      expect(i.Properties.MonitoringInterval).toBe(60);
      expect(i.Properties.MonitoringRoleArn['Fn::GetAtt'][0]).toMatch(/MonitoringRole/);
    }
  });

  test('errors when monitoringInterval is not one RDS accepts', () => {
    expect(() => build({ monitoringInterval: Duration.seconds(20) })).toThrow('monitoringInterval must be one of 1, 5, 10, 15, 30, 60 seconds, got 20');
  });
});
