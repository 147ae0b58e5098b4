/** The cost arithmetic on a hand-written template, checked line by line against sums done by hand. */
import { estimateCost, renderCost, UnknownRegionError } from '../../tools/cost';

const fixture = {
  app: {
    Resources: {
      Box: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 't4g.small', Monitoring: true, BlockDeviceMappings: [{ Ebs: { VolumeSize: 20 } }] } },
      Template: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: 'm7g.large', Monitoring: { Enabled: true }, BlockDeviceMappings: [{ Ebs: { VolumeSize: 30 } }] } } },
      Group: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '2', LaunchTemplate: { LaunchTemplateId: { Ref: 'Template' } } } },
      Lb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: {} },
      Simple: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'CPUUtilization' } },
      Math: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Expression: 'a+b+c' }, { MetricStat: {} }, { MetricStat: {} }, { MetricStat: {} }] } },
      Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
    },
  },
  data: {
    Resources: {
      Volume: { Type: 'AWS::EC2::Volume', Properties: { Size: 100 } },
      Cluster: { Type: 'AWS::RDS::DBCluster', Properties: {} },
      Writer: { Type: 'AWS::RDS::DBInstance', Properties: {} },
      Reader: { Type: 'AWS::RDS::DBInstance', Properties: {} },
      SecretA: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      SecretB: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    },
  },
  network: {
    Resources: {
      Eip1: { Type: 'AWS::EC2::EIP', Properties: {} }, Eip2: { Type: 'AWS::EC2::EIP', Properties: {} }, Eip3: { Type: 'AWS::EC2::EIP', Properties: {} },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
      Key: { Type: 'AWS::KMS::Key', Properties: {} },
    },
  },
};
const assumptions = {
  acuAverage: 2, auroraStorageGb: 100, auroraIoMillions: 5, albLcu: 2, natGb: 100, egressGb: 10, logsGb: 10, s3Gb: 50,
  sqsMillionRequests: 3, cdnGb: 200, cdnMillionRequests: 20, replicationGb: 30,
};

describe('estimateCost', () => {
  const estimate = estimateCost(3, fixture, 'us-east-1', assumptions);
  const line = (item: string) => estimate.lines.find((l) => l.item === item)?.monthlyUsd;

  test('prices each resource at 730 hours a month', () => {
    expect(line('EC2 t4g.small')).toBe(12.26); // 730 x 0.0168 = 12.264
    expect(line('EC2 m7g.large')).toBe(119.14); // 2 x 730 x 0.0816 = 119.136
    expect(estimate.lines.filter((l) => l.item === 'EC2 detailed monitoring').map((l) => l.monthlyUsd)).toEqual([2.1, 4.2]);
    expect(estimate.lines.filter((l) => l.item === 'EBS gp3 root volumes').map((l) => l.monthlyUsd)).toEqual([1.6, 4.8]);
    expect(line('EBS gp3 data volume')).toBe(8); // 100 x 0.08
    expect(line('Public IPv4 addresses (Elastic IPs)')).toBe(10.95); // 3 x 730 x 0.005
    expect(line('NAT gateways')).toBe(32.85); // 730 x 0.045
    expect(line('Application Load Balancer')).toBe(16.43); // 730 x 0.0225 = 16.425
    expect(line('Public IPv4 addresses of the load balancer')).toBe(7.3); // 2 x 730 x 0.005
    expect(line('CloudWatch alarms (per metric)')).toBe(0.4); // 1 + 3 metrics x 0.10
    expect(line('CloudWatch dashboards')).toBe(3);
    expect(line('Secrets Manager secrets (and their replicas)')).toBe(0.8);
    expect(line('KMS customer-managed keys')).toBe(1);
  });

  test('prices usage from the assumptions, and marks those lines', () => {
    expect(line('Aurora Serverless v2 capacity')).toBe(350.4); // 2 instances x 2 ACU x 730 x 0.12
    expect(line('Aurora storage')).toBe(10);
    expect(line('Aurora I/O')).toBe(1);
    expect(line('Load balancer capacity units')).toBe(11.68); // 2 LCU x 730 x 0.008
    expect(line('NAT data processed')).toBe(4.5);
    expect(line('Data transfer out to the internet')).toBe(0.9);
    expect(line('EBS snapshots of the data volume (one full copy)')).toBe(5);
    expect(line('CloudWatch Logs ingestion')).toBe(5);
    expect(line('CloudWatch Logs storage')).toBe(0.3);
    expect(line('S3 Standard (logs and assets)')).toBe(1.15);
    expect(estimate.lines.filter((l) => l.assumed).map((l) => l.item).sort()).toEqual([
      'Aurora I/O', 'Aurora Serverless v2 capacity', 'Aurora storage', 'CloudWatch Logs ingestion', 'CloudWatch Logs storage',
      'Data transfer out to the internet', 'EBS snapshots of the data volume (one full copy)', 'Load balancer capacity units',
      'NAT data processed', 'S3 Standard (logs and assets)',
    ]);
  });

  test('adds the lines up to the total, with the dated price table', () => {
    expect(estimate.totalMonthlyUsd).toBe(614.76);
    expect(estimate).toMatchObject({ stage: 3, region: 'us-east-1', priceTableDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(renderCost(estimate)).toContain('total  $614.76 a month');
  });

  test('says "1 dashboard", not "1 dashboards" (issue 15)', () => {
    const text = renderCost(estimate);
    expect(text).toMatch(/ 1 dashboard x \$/);
    expect(text).not.toMatch(/ 1 (dashboards|keys|instances) /);
  });

  test('uses the region\'s prices and refuses a region without them, listing those it has', () => {
    expect(estimateCost(3, fixture, 'eu-west-1', assumptions).lines.find((l) => l.item === 'NAT gateways')?.monthlyUsd).toBe(35.04); // 730 x 0.048
    expect(() => estimateCost(3, fixture, 'ap-south-1', assumptions)).toThrow(UnknownRegionError);
    expect(() => estimateCost(3, fixture, 'ap-south-1', assumptions)).toThrow('supported: us-east-1, us-west-2, eu-west-1');
  });
});

describe('estimateCost of the stage 4 and 5 components', () => {
  const edge = {
    data: {
      Resources: {
        Cache: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { CacheNodeType: 'cache.t4g.small', NumCacheClusters: 2 } },
        Jobs: { Type: 'AWS::SQS::Queue', Properties: {} },
        Dead: { Type: 'AWS::SQS::Queue', Properties: {} },
      },
    },
    edge: {
      Resources: {
        Cdn: { Type: 'AWS::CloudFront::Distribution', Properties: {} },
        Waf: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}, {}] } },
        Zone: { Type: 'AWS::Route53::HostedZone', Properties: {} },
        Primary: { Type: 'AWS::Route53::HealthCheck', Properties: {} },
        Secondary: { Type: 'AWS::Route53::HealthCheck', Properties: {} },
      },
    },
  };
  const estimate = estimateCost(4, edge, 'us-east-1', assumptions);
  const line = (item: string) => estimate.lines.find((l) => l.item === item)?.monthlyUsd;

  test('prices cache nodes, queue requests, CDN traffic, the web ACL and DNS', () => {
    expect(line('ElastiCache for Valkey cache.t4g.small')).toBe(37.38); // 2 nodes x 730 x 0.0256 = 37.376
    expect(line('SQS requests')).toBe(1.2); // one line for both queues: 3 million x 0.40
    expect(line('CloudFront data to viewers')).toBe(17); // 200 GB x 0.085
    expect(line('CloudFront HTTPS requests')).toBe(20); // 20 million x 1.00
    expect(line('WAF web ACL')).toBe(5);
    expect(line('WAF rules')).toBe(3);
    expect(line('WAF requests')).toBe(12); // 20 million x 0.60
    expect(line('Route 53 hosted zones')).toBe(0.5);
    expect(line('Route 53 health checks')).toBe(1);
    expect(estimate.totalMonthlyUsd).toBe(103.28); // the above + data out 0.90 + logs 5.00 + 0.30
  });

  test('counts resources with the same logical ID in different stacks once each', () => {
    const key = { Type: 'AWS::KMS::Key', Properties: {} };
    const twoStacks = estimateCost(4, { network: { Resources: { AlarmsKey: key } }, edge: { Resources: { AlarmsKey: key } } }, 'us-east-1', assumptions);
    expect(twoStacks.lines.find((l) => l.item === 'KMS customer-managed keys')?.quantity).toBe(2);
  });
});

describe('estimateCost of a second region (stage 5)', () => {
  const cluster = (global?: string) => ({ Type: 'AWS::RDS::DBCluster', Properties: global ? { GlobalClusterIdentifier: global } : {} });
  const templates = {
    'app-data': { Resources: { Db: cluster(), Secret: { Type: 'AWS::SecretsManager::Secret', Properties: { ReplicaRegions: [{ Region: 'eu-west-1' }] } } } },
    'app-data-eu-west-1': { Resources: { Db: cluster('app-global'), Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} } } },
  };
  const estimate = estimateCost(5, templates, 'us-east-1', assumptions, 'eu-west-1');
  const line = (item: string) => estimate.lines.find((l) => l.item === item);

  test('prices the second region\'s stacks at its own prices, under its name', () => {
    expect(estimate.secondaryRegion).toBe('eu-west-1');
    expect(line('eu-west-1: NAT gateways')?.monthlyUsd).toBe(35.04); // 730 x 0.048 (Ireland)
    expect(line('NAT gateways')).toBeUndefined();
    expect(line('eu-west-1: Aurora storage')?.monthlyUsd).toBe(11); // 100 GB x 0.11 (Ireland)
  });

  test('adds the global database\'s replicated writes and transfer, and bills secret replicas', () => {
    expect(line('Aurora global database: replicated write I/O')?.monthlyUsd).toBe(1.1); // 5 million x 0.22 (Ireland)
    expect(line('Aurora global database: replication transfer')?.monthlyUsd).toBe(0.6); // 30 GB x 0.02
    expect(line('Secrets Manager secrets (and their replicas)')?.quantity).toBe(2);
  });

  test('refuses a second region without prices', () => {
    expect(() => estimateCost(5, templates, 'us-east-1', assumptions, 'ap-south-1')).toThrow(UnknownRegionError);
  });
});

describe('estimateCost of a type without a cost treatment (core/resource-types.ts)', () => {
  test('fails instead of leaving it out of the total', () => {
    const templates = { app: { Resources: { Key: { Type: 'AWS::EC2::KeyPair', Properties: {} }, Box: fixture.app.Resources.Box } } };
    expect(() => estimateCost(1, templates, 'us-east-1', assumptions)).toThrow('cost does not know the resource type AWS::EC2::KeyPair');
  });

  test('prices nothing for a type mapped as free', () => {
    const free = estimateCost(1, { network: { Resources: { Route: { Type: 'AWS::EC2::Route', Properties: {} } } } }, 'us-east-1', assumptions);
    expect(free.lines.filter((l) => l.item.includes('Route'))).toEqual([]);
  });
});
