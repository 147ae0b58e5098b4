import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AuroraSecondaryCluster, AuroraSecondaryClusterProps } from '../../lib/aurora-secondary-cluster';
import { bareStack, testVpc } from '../support/bare-stack';

function build(overrides: Partial<AuroraSecondaryClusterProps> = {}) {
  const stack = bareStack();
  const db = new AuroraSecondaryCluster(stack, 'Db', {
    vpc: testVpc(stack),
    subnets: { subnetGroupName: 'Data' },
    globalClusterIdentifier: 'webapp-global',
    clusterIdentifier: 'webapp-us-west-2',
    engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6,
    port: 5433,
    minCapacity: 0.5,
    maxCapacity: 8,
    alarmTopic: new sns.Topic(stack, 'Topic'),
    ...overrides,
  });
  return { db, t: Template.fromStack(stack) };
}

describe('AuroraSecondaryCluster', () => {
  const { t } = build();

  test('joins the global database with no master user, encrypted with a rotated key of its region', () => {
    const [cluster] = Object.values(t.findResources('AWS::RDS::DBCluster')) as any[];
    expect(cluster).toMatchObject({
      DeletionPolicy: 'Snapshot',
      Properties: {
        GlobalClusterIdentifier: 'webapp-global', DBClusterIdentifier: 'webapp-us-west-2', EngineVersion: '16.6', Port: 5433,
        StorageEncrypted: true, EnableIAMDatabaseAuthentication: true, DeletionProtection: true,
        BackupRetentionPeriod: 7, ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 }, EnableCloudwatchLogsExports: ['postgresql'],
      },
    });
    expect(cluster.Properties.MasterUsername).toBeUndefined();
    expect(cluster.Properties.MasterUserPassword).toBeUndefined();
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Family: 'aurora-postgresql16', Parameters: { 'rds.force_ssl': '1', 'log_min_duration_statement': '1000' } });
  });

  test('runs two serverless instances in different AZs, private', () => {
    const instances = Object.values(t.findResources('AWS::RDS::DBInstance')) as any[];
    expect(instances.map((i) => [i.Properties.DBInstanceClass, i.Properties.PubliclyAccessible])).toEqual([['db.serverless', false], ['db.serverless', false]]);
    expect(JSON.stringify(instances[0].Properties.AvailabilityZone)).not.toEqual(JSON.stringify(instances[1].Properties.AvailabilityZone));
  });

  test('creates its log group first, with retention, so RDS does not create one without', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/rds/cluster/webapp-us-west-2/postgresql', RetentionInDays: 30 });
    const [cluster] = Object.values(t.findResources('AWS::RDS::DBCluster')) as any[];
    expect(cluster.DependsOn).toEqual([expect.stringMatching(/^DbPostgresqlLog/)]);
  });

  // Its name is fixed by RDS: retained after a failed first create, it would make the retry fail
  // with "already exists". Kept when the stack is deleted later (its logs stay readable).
  test('deletes its fixed-name log group when the create that made it fails, and keeps it otherwise', () => {
    const [log] = Object.values(t.findResources('AWS::Logs::LogGroup')) as any[];
    expect(log).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  test('alarms on global replication lag and CPU', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AuroraGlobalDBReplicationLag', Threshold: 1000 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Threshold: 80 });
  });

  // Aurora PostgreSQL global write forwarding (EnableGlobalWriteForwarding): the second region's
  // clients write through this cluster; without it a secondary refuses every write.
  test('forwards writes to the primary by default, and can be built without', () => {
    t.hasResourceProperties('AWS::RDS::DBCluster', { EnableGlobalWriteForwarding: true });
    build({ writeForwarding: false }).t.hasResourceProperties('AWS::RDS::DBCluster', { EnableGlobalWriteForwarding: false });
  });

  // A global database's clusters must run one engine version: no instance upgrades on its own.
  test('turns automatic minor version upgrades off on every instance', () => {
    const instances = Object.values(t.findResources('AWS::RDS::DBInstance')) as any[];
    expect(instances.map((i) => i.Properties.AutoMinorVersionUpgrade)).toEqual([false, false]);
  });

  test('errors on a capacity that would let it pause', () => {
    expect(() => build({ minCapacity: 0 })).toThrow('a global database cannot pause');
  });

  test('gives the ARN of the primary secret\'s replica in its own region, and none without a primary secret', () => {
    const stack = bareStack();
    const primarySecret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Primary',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webapp-db-AbCdEf');
    const db = new AuroraSecondaryCluster(stack, 'Db', {
      vpc: testVpc(stack), subnets: { subnetGroupName: 'Data' }, globalClusterIdentifier: 'g', clusterIdentifier: 'c',
      engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6, port: 5432, minCapacity: 0.5, maxCapacity: 2, primarySecret,
    });
    expect(stack.resolve(db.secretArn)).toBe('arn:aws:secretsmanager:us-east-1:123456789012:secret:webapp-db-AbCdEf');
    expect(build().db.secretArn).toBeUndefined();
  });
});

describe('AuroraSecondaryCluster hardening', () => {
  test('its storage key refuses grants unless they are for AWS resources or asked by AWS services', () => {
    const { t } = build();
    const keys = Object.values(t.findResources('AWS::KMS::Key'));
    expect(keys[0].Properties.KeyPolicy.Statement.map((s: any) => s.Sid)).toContain('DenyGrantsExceptForAwsServices');
  });

  test('monitoringInterval turns on enhanced monitoring of every instance through its monitoring role', () => {
    const { t } = build({ monitoringInterval: Duration.minutes(1) });
    for (const i of Object.values(t.findResources('AWS::RDS::DBInstance'))) {
      expect(i.Properties.MonitoringInterval).toBe(60);
      expect(i.Properties.MonitoringRoleArn['Fn::GetAtt'][0]).toMatch(/^DatabaseMonitoringRole|MonitoringRole/);
    }
  });
});
