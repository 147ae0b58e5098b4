import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { Construct } from 'constructs';

/** One region's load balancer and the alarm that says whether it serves. */
export interface TfFailoverRegion {
  readonly region: string;
  readonly loadBalancerDnsName: string;
  readonly loadBalancerZoneId: string;
  /** A CloudWatch alarm in `region`, in ALARM when the region cannot serve. */
  readonly healthAlarmName: string;
}

export interface TfFailoverDnsProps {
  /** Route 53 hosted zone of the records. */
  readonly zoneId: string;
  /** The zone's domain name, e.g. `example.com`. */
  readonly zoneName: string;
  /** Label of the per-region records: `origin` for `origin-<region>.<zone>`. */
  readonly recordName: string;
  /**
   * Label of the failover record, e.g. `origin-failover`. Route 53 refuses it where a plain record
   * of that name exists.
   * @default - `recordName`
   */
  readonly failoverRecordName?: string;
  /** The region served while its serving alarm is OK. */
  readonly primary: TfFailoverRegion;
  /** The region served when the primary's alarm fires; another region. */
  readonly secondary: TfFailoverRegion;
}

/**
 * Route 53 failover between two regions' load balancers, as the CDK `FailoverDns`: a health check
 * per region on its health alarm (no data counts as unhealthy; Route 53 cannot probe a load
 * balancer that admits only CloudFront), PRIMARY and SECONDARY alias records that also evaluate
 * target health, and a name per region (`<recordName>-<region>`).
 */
export class TfFailoverDns extends Construct {
  public readonly failoverName: string;
  public readonly regionNames: Record<string, string> = {};
  /** Every record, for what must wait until the names resolve. */
  public readonly records: Route53Record[] = [];

  constructor(scope: Construct, id: string, props: TfFailoverDnsProps) {
    super(scope, id);
    if (props.primary.region === props.secondary.region) {
      throw new Error(`TfFailoverDns primary and secondary are both in ${props.primary.region}: fail over to another region`);
    }
    this.failoverName = `${props.failoverRecordName ?? props.recordName}.${props.zoneName}`;
    for (const [role, region] of [['Primary', props.primary], ['Secondary', props.secondary]] as const) {
      const check = new Route53HealthCheck(this, `${role}HealthCheck`, {
        type: 'CLOUDWATCH_METRIC',
        cloudwatchAlarmName: region.healthAlarmName,
        cloudwatchAlarmRegion: region.region,
        insufficientDataHealthStatus: 'Unhealthy',
        tags: { Name: `${this.failoverName} ${region.region}` },
      });
      const alias = { name: region.loadBalancerDnsName, zoneId: region.loadBalancerZoneId, evaluateTargetHealth: true };
      // A new name replaces the record; Terraform would destroy the old one first, and CloudFront
      // would resolve nothing for the write paths until its own update deployed. Creating first is
      // safe: Route 53 refuses (allow_overwrite stays false) rather than overwrite a record it has.
      const failoverRecord = new Route53Record(this, `${role}Record`, {
        zoneId: props.zoneId, name: this.failoverName, type: 'A', setIdentifier: `${role.toLowerCase()}-${region.region}`,
        failoverRoutingPolicy: { type: role.toUpperCase() }, healthCheckId: check.id, alias,
        lifecycle: { createBeforeDestroy: true },
      });
      const regionName = `${props.recordName}-${region.region}.${props.zoneName}`;
      this.records.push(failoverRecord, new Route53Record(this, `${role}RegionRecord`, { zoneId: props.zoneId, name: regionName, type: 'A', alias }));
      this.regionNames[region.region] = regionName;
    }
  }
}
