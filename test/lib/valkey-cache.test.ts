import { Template, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ValkeyCache, ValkeyCacheProps } from '../../lib/valkey-cache';
import { bareStack, testVpc } from '../support/bare-stack';

/** The cache with its required props; `wire` runs before the stack is synthesized. */
function build(extra: Partial<ValkeyCacheProps> = {}, withTopic = false, wire?: (cache: ValkeyCache, vpc: ec2.IVpc) => void) {
  const stack = bareStack();
  const vpc = testVpc(stack);
  const cache = new ValkeyCache(stack, 'Cache', {
    vpc, subnets: { subnetGroupName: 'Data' }, ...(withTopic ? { alarmTopic: new sns.Topic(stack, 'Topic') } : {}), ...extra,
  });
  wire?.(cache, vpc);
  return { t: Template.fromStack(stack) };
}

describe('ValkeyCache', () => {
  const { t } = build();

  test('is Valkey, Multi-AZ with automatic failover, on a non-default port, snapshotted when removed', () => {
    t.hasResource('AWS::ElastiCache::ReplicationGroup', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({
        Engine: 'valkey', NumCacheClusters: 2, MultiAZEnabled: true, AutomaticFailoverEnabled: true, Port: 6380,
        SnapshotRetentionLimit: 7,
      }),
    });
  });

  test('encrypts at rest and in transit, requires TLS and an AUTH token from Secrets Manager', () => {
    t.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      AtRestEncryptionEnabled: true,
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AuthToken: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('resolve:secretsmanager')])] },
    });
    t.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 64 } }),
    });
  });

  test('admits nobody until connections are opened, and then on its port only', () => {
    const { t: wired } = build({}, false, (cache, vpc) => {
      cache.connections.allowDefaultPortFrom(new ec2.SecurityGroup(cache, 'App', { vpc }));
    });
    wired.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6380, ToPort: 6380, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheApp'), 'GroupId'] },
    });
    expect(Object.keys(t.findResources('AWS::EC2::SecurityGroupIngress'))).toHaveLength(0);
  });

  test('alarms on CPU, memory, evictions and hit rate across nodes when given a topic', () => {
    const { t: alarmed } = build({}, true);
    const expressions = Object.values(alarmed.findResources('AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties.Metrics.find((m: { Expression?: string }) => m.Expression).Expression);
    expect(expressions).toEqual([
      'MAX([n0, n1])', 'MAX([n0, n1])', 'SUM([n0, n1])',
      'IF(SUM([hn0, hn1]) + SUM([mn0, mn1]) >= 100, 100 * SUM([hn0, hn1]) / (SUM([hn0, hn1]) + SUM([mn0, mn1])), 100)',
    ]);
    alarmed.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 80, ComparisonOperator: 'LessThanThreshold' });
  });

  test('errors without a replica to fail over to', () => {
    expect(() => build({ replicas: 0 })).toThrow('ValkeyCache replicas must be an integer from 1 to 5 (Multi-AZ needs one), got 0');
  });
});
