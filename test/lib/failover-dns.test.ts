import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { FailoverDns } from '../../lib/failover-dns';
import { bareStack } from '../support/bare-stack';

describe('FailoverDns', () => {
  const stack = bareStack();
  const dns = new FailoverDns(stack, 'Dns', {
    zone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' }),
    recordName: 'origin',
    failoverRecordName: 'origin-failover',
    primary: { region: 'us-east-1', loadBalancerDnsName: 'a.elb.amazonaws.com', loadBalancerHostedZoneId: 'Z35SXDOTRQ7X7K', healthAlarmName: 'app-us-east-1-serving' },
    secondary: { region: 'us-west-2', loadBalancerDnsName: 'b.elb.amazonaws.com', loadBalancerHostedZoneId: 'Z1H1FL5HABSF5', healthAlarmName: 'app-us-west-2-serving' },
  });
  const t = Template.fromStack(stack);
  const records = () => Object.values(t.findResources('AWS::Route53::RecordSet')).map((r: any) => r.Properties);

  test('checks each region\'s health on its alarm, unhealthy without data', () => {
    const checks = Object.values(t.findResources('AWS::Route53::HealthCheck')).map((c: any) => c.Properties.HealthCheckConfig);
    expect(checks).toEqual([
      { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'us-east-1', Name: 'app-us-east-1-serving' }, InsufficientDataHealthStatus: 'Unhealthy' },
      { Type: 'CLOUDWATCH_METRIC', AlarmIdentifier: { Region: 'us-west-2', Name: 'app-us-west-2-serving' }, InsufficientDataHealthStatus: 'Unhealthy' },
    ]);
  });

  test('answers the failover name with the primary while healthy, the secondary otherwise', () => {
    const failover = records().filter((r) => r.Failover);
    expect(failover.map((r) => [r.Name, r.Failover, r.AliasTarget.DNSName, r.AliasTarget.EvaluateTargetHealth])).toEqual([
      ['origin-failover.example.com', 'PRIMARY', 'a.elb.amazonaws.com', true],
      ['origin-failover.example.com', 'SECONDARY', 'b.elb.amazonaws.com', true],
    ]);
    for (const r of failover) expect(r.HealthCheckId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/HealthCheck/), 'HealthCheckId'] });
    expect(dns.failoverName).toBe('origin-failover.example.com');
  });

  test('names each region directly', () => {
    expect(dns.regionNames).toEqual({ 'us-east-1': 'origin-us-east-1.example.com', 'us-west-2': 'origin-us-west-2.example.com' });
    expect(records().filter((r) => !r.Failover).map((r) => [r.Name, r.AliasTarget.DNSName])).toEqual([
      ['origin-us-east-1.example.com', 'a.elb.amazonaws.com'], ['origin-us-west-2.example.com', 'b.elb.amazonaws.com'],
    ]);
  });
});
