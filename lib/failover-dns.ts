import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** One region's load balancer and the alarm that says whether it serves. */
export interface FailoverRegion {
  readonly region: string;
  /** DNS name of the region's load balancer. */
  readonly loadBalancerDnsName: string;
  /** Its canonical hosted zone ID, for alias records. */
  readonly loadBalancerHostedZoneId: string;
  /**
   * Name of a CloudWatch alarm in `region` that is in ALARM when the region cannot serve. Route 53
   * health checkers cannot reach a load balancer that admits only CloudFront, so the health check
   * reads this alarm instead of probing.
   */
  readonly healthAlarmName: string;
}

export interface FailoverDnsProps {
  /** The hosted zone of the records. */
  readonly zone: route53.IHostedZone;
  /** Label of the per-region records under the zone: `origin` for `origin-<region>.example.com`. */
  readonly recordName: string;
  /**
   * Label of the failover record under the zone, e.g. `origin-failover` for
   * `origin-failover.example.com`. Route 53 refuses it where a plain record of that name exists.
   * @default - `recordName`
   */
  readonly failoverRecordName?: string;
  /** The primary region, served while healthy. */
  readonly primary: FailoverRegion;
  /** The secondary region, served while the primary is unhealthy. */
  readonly secondary: FailoverRegion;
}

/**
 * Route 53 failover between two regions' load balancers: a health check per region (on its
 * health alarm), a PRIMARY and a SECONDARY alias record under one name that also evaluate the
 * load balancers' target health, and a plain alias per region (`<recordName>-<region>`) for
 * addressing one region directly (CloudFront's origin group, smoke tests).
 */
export class FailoverDns extends Construct {
  /** The failover name, e.g. `origin-failover.example.com`. */
  public readonly failoverName: string;
  /** Per region, the name that always points at that region. */
  public readonly regionNames: Record<string, string> = {};
  public readonly healthChecks: route53.CfnHealthCheck[] = [];

  constructor(scope: Construct, id: string, props: FailoverDnsProps) {
    super(scope, id);
    const zoneName = props.zone.zoneName.replace(/\.$/, '');
    this.failoverName = `${props.failoverRecordName ?? props.recordName}.${zoneName}`;
    for (const [role, region] of [['Primary', props.primary], ['Secondary', props.secondary]] as const) {
      const check = new route53.CfnHealthCheck(this, `${role}HealthCheck`, {
        healthCheckConfig: {
          type: 'CLOUDWATCH_METRIC',
          alarmIdentifier: { region: region.region, name: region.healthAlarmName },
          // No data means the region's metrics stopped arriving: treat it as down.
          insufficientDataHealthStatus: 'Unhealthy',
        },
        healthCheckTags: [{ key: 'Name', value: `${this.failoverName} ${region.region}` }],
      });
      this.healthChecks.push(check);
      const aliasTarget = {
        dnsName: region.loadBalancerDnsName,
        hostedZoneId: region.loadBalancerHostedZoneId,
        evaluateTargetHealth: true,
      };
      new route53.CfnRecordSet(this, `${role}Record`, {
        hostedZoneId: props.zone.hostedZoneId,
        name: this.failoverName,
        type: 'A',
        setIdentifier: `${role.toLowerCase()}-${region.region}`,
        failover: role.toUpperCase(),
        healthCheckId: check.attrHealthCheckId,
        aliasTarget,
      });
      const regionName = `${props.recordName}-${region.region}.${zoneName}`;
      new route53.CfnRecordSet(this, `${role}RegionRecord`, {
        hostedZoneId: props.zone.hostedZoneId,
        name: regionName,
        type: 'A',
        aliasTarget,
      });
      this.regionNames[region.region] = regionName;
    }
  }
}
