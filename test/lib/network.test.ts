import { Template, Match } from 'aws-cdk-lib/assertions';
import { Network } from '../../lib/network';
import { bareStack } from '../support/bare-stack';

const tiers = [
  { name: 'Public', kind: 'public' as const, cidrMask: 24 },
  { name: 'App', kind: 'private' as const, cidrMask: 22 },
  { name: 'Data', kind: 'isolated' as const, cidrMask: 24 },
];

describe('Network', () => {
  test('carves fixed-mask subnets for every tier in 2 AZs, with no NAT by default', () => {
    const stack = bareStack();
    new Network(stack, 'Network', { cidr: '10.1.0.0/16', tiers });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/16' });
    t.resourceCountIs('AWS::EC2::Subnet', 6);
    for (const cidr of ['10.1.0.0/24', '10.1.1.0/24', '10.1.4.0/22', '10.1.8.0/22', '10.1.12.0/24', '10.1.13.0/24']) {
      t.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: cidr });
    }
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.hasResourceProperties('AWS::EC2::Subnet', {
      Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-name', Value: 'App' }, { Key: 'aws-cdk:subnet-type', Value: 'Isolated' }]),
    });
  });

  test('logs all traffic for a month and keeps the log group', () => {
    const stack = bareStack();
    new Network(stack, 'Network', { cidr: '10.0.0.0/16', tiers });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    t.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain', Properties: { RetentionInDays: 30 } });
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({}) });
  });

  test('gives private tiers a route out through NAT gateways without changing any subnet CIDR', () => {
    const stack = bareStack();
    new Network(stack, 'Network', { cidr: '10.1.0.0/16', tiers, natGateways: 2 });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::NatGateway', 2);
    t.hasResourceProperties('AWS::EC2::Subnet', { CidrBlock: '10.1.4.0/22' });
    t.hasResourceProperties('AWS::EC2::Subnet', {
      Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-name', Value: 'App' }, { Key: 'aws-cdk:subnet-type', Value: 'Private' }]),
    });
  });
});

describe('Network mapPublicIpOnLaunch', () => {
  const publicSubnets = (t: Template) => Object.values(t.findResources('AWS::EC2::Subnet', {
    Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Public' }]) },
  }));

  test('public subnets assign public IPs by default, as ec2.Vpc does', () => {
    const stack = bareStack();
    new Network(stack, 'Network', { cidr: '10.0.0.0/16', tiers });
    expect(publicSubnets(Template.fromStack(stack)).map((s) => s.Properties.MapPublicIpOnLaunch)).toEqual([true, true]);
  });

  test('false stops it on the same subnets (same CIDRs, an in-place update)', () => {
    const stack = bareStack();
    new Network(stack, 'Network', { cidr: '10.0.0.0/16', tiers, mapPublicIpOnLaunch: false });
    const subnets = publicSubnets(Template.fromStack(stack));
    expect(subnets.map((s) => [s.Properties.CidrBlock, s.Properties.MapPublicIpOnLaunch])).toEqual([['10.0.0.0/24', false], ['10.0.1.0/24', false]]);
  });
});
