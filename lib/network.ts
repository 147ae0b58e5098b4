import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';

/** One subnet tier of the VPC, in every availability zone. */
export interface NetworkTier {
  /** Subnet group name. Part of each subnet's logical ID: never rename one. */
  readonly name: string;
  /** `private` tiers reach the internet through NAT when `natGateways` > 0, and are isolated otherwise. */
  readonly kind: 'public' | 'private' | 'isolated';
  /** Prefix length of each subnet. Changing it replaces the subnets. */
  readonly cidrMask: number;
}

export interface NetworkProps {
  /** IPv4 CIDR of the VPC. */
  readonly cidr: string;
  /** Subnet tiers, created in every AZ. Add tiers at the end only: order decides CIDR allocation. */
  readonly tiers: NetworkTier[];
  /**
   * Number of availability zones. Fixed for the life of the VPC.
   * @default 2
   */
  readonly maxAzs?: number;
  /**
   * NAT gateways for the `private` tiers. With 0 those tiers have no route to the internet;
   * raising it later adds routes and gateways without replacing any subnet.
   * @default 0
   */
  readonly natGateways?: number;
  /**
   * Whether instances launched in the `public` tiers get a public IPv4 address without asking
   * for one. Changing it updates the subnets in place and affects only later launches; an
   * instance that needs the internet before it has an Elastic IP must then ask for an address
   * itself (`SingleBox`'s `associatePublicIpAddress`).
   * @default true - as `ec2.Vpc` creates public subnets
   */
  readonly mapPublicIpOnLaunch?: boolean;
  /**
   * Retention of the VPC flow log.
   * @default - `SIZES.logRetentionDays` of core/settings.ts (30 days)
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * A VPC whose subnet plan is fixed from the first day, so later growth adds routes and gateways
 * but never replaces a subnet; flow logs to CloudWatch Logs; an S3 gateway endpoint (free) so
 * traffic to S3 never pays for NAT.
 */
export class Network extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly flowLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const natGateways = props.natGateways ?? 0;
    const privateType = natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED;
    const subnetType = { public: ec2.SubnetType.PUBLIC, private: privateType, isolated: ec2.SubnetType.PRIVATE_ISOLATED };

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      maxAzs: props.maxAzs ?? 2,
      natGateways,
      subnetConfiguration: props.tiers.map((t) => ({
        name: t.name,
        subnetType: subnetType[t.kind],
        cidrMask: t.cidrMask,
        ...(t.kind === 'public' && props.mapPublicIpOnLaunch === false ? { mapPublicIpOnLaunch: false } : {}),
      })),
    });

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
      retention: props.flowLogRetention ?? SIZES.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    this.vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  }
}
