import { Fn } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Construct } from 'constructs';
import { AZ_COUNT, subnetPlan } from '../core/naming';

export interface TfNetworkProps {
  /** IPv4 CIDR of the VPC; the subnets follow `subnetPlan`. */
  readonly cidr: string;
  /** The stack's region, for the S3 endpoint's service name. */
  readonly region: string;
  /** Days of flow logs. */
  readonly flowLogRetentionDays: number;
  /**
   * NAT gateways for the App tier (from stage 3): 2 gives each AZ its own, 1 shares the first.
   * @default 0
   */
  readonly natGateways?: number;
  /**
   * Whether the public subnets give every instance a public IPv4 address. Changing it updates the
   * subnets in place and affects only later launches.
   * @default true
   */
  readonly mapPublicIpOnLaunch?: boolean;
}

/**
 * The VPC of every stage, as the CDK `Network`: 2 AZs, the Public, App and Data tiers at the
 * addresses of `subnetPlan` (the same as CDK's), an internet gateway for the public tier, a route
 * table per subnet, the default security group stripped of its rules, flow logs of all traffic to
 * CloudWatch Logs, the S3 gateway endpoint on every route table, and from stage 3 NAT gateways
 * (in the public subnets) as the App tier's default route.
 */
export class TfNetwork extends Construct {
  public readonly vpc: Vpc;
  /** Subnet IDs by tier name, AZ by AZ. */
  public readonly subnetIds: Record<string, string[]> = {};
  /** Availability zone names, AZ by AZ. */
  public readonly availabilityZones: string[];

  constructor(scope: Construct, id: string, props: TfNetworkProps) {
    super(scope, id);
    const zones = new DataAwsAvailabilityZones(this, 'Zones', { state: 'available' });
    this.availabilityZones = Array.from({ length: AZ_COUNT }, (_, i) => Fn.element(zones.names, i));
    this.vpc = new Vpc(this, 'Vpc', { cidrBlock: props.cidr, enableDnsHostnames: true, enableDnsSupport: true });
    new DefaultSecurityGroup(this, 'DefaultSecurityGroup', { vpcId: this.vpc.id });
    const gateway = new InternetGateway(this, 'InternetGateway', { vpcId: this.vpc.id });

    const routeTables: string[] = [];
    const natGatewayIds: string[] = [];
    for (const { tier, az, cidr } of subnetPlan(props.cidr)) {
      const name = `${tier.name}Subnet${az + 1}`;
      const subnet = new Subnet(this, name, {
        vpcId: this.vpc.id,
        cidrBlock: cidr,
        availabilityZone: this.availabilityZones[az],
        mapPublicIpOnLaunch: tier.kind === 'public' && props.mapPublicIpOnLaunch !== false,
        tags: { Name: name, 'growth-stages:tier': tier.name },
        // The zones are read at every plan, of those "available" now: an impaired zone shifts the
        // list, and a new zone would replace the subnet (and what is in it). Placed once, kept.
        lifecycle: { ignoreChanges: ['availability_zone'] },
      });
      (this.subnetIds[tier.name] ??= []).push(subnet.id);
      const table = new RouteTable(this, `${name}RouteTable`, { vpcId: this.vpc.id });
      new RouteTableAssociation(this, `${name}RouteTableAssociation`, { subnetId: subnet.id, routeTableId: table.id });
      if (tier.kind === 'public') {
        new Route(this, `${name}DefaultRoute`, { routeTableId: table.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: gateway.id });
        if (az < (props.natGateways ?? 0)) {
          const ip = new Eip(this, `${name}NatIp`, { domain: 'vpc' });
          natGatewayIds.push(new NatGateway(this, `${name}NatGateway`, { allocationId: ip.allocationId, subnetId: subnet.id, dependsOn: [gateway] }).id);
        }
      }
      if (tier.kind === 'private' && natGatewayIds.length) {
        new Route(this, `${name}DefaultRoute`, {
          routeTableId: table.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: natGatewayIds[az % natGatewayIds.length],
        });
      }
      routeTables.push(table.id);
    }
    new VpcEndpoint(this, 'S3Endpoint', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: routeTables,
    });

    const logGroup = new CloudwatchLogGroup(this, 'FlowLogGroup', { retentionInDays: props.flowLogRetentionDays, skipDestroy: true });
    const assume = new DataAwsIamPolicyDocument(this, 'FlowLogAssume', {
      statement: [{ actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['vpc-flow-logs.amazonaws.com'] }] }],
    });
    const role = new IamRole(this, 'FlowLogRole', { assumeRolePolicy: assume.json });
    new IamRolePolicy(this, 'FlowLogPolicy', {
      role: role.id,
      policy: new DataAwsIamPolicyDocument(this, 'FlowLogWrite', {
        statement: [
          { actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [`${logGroup.arn}:*`] },
        ],
      }).json,
    });
    new FlowLog(this, 'FlowLog', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
    });
  }
}
