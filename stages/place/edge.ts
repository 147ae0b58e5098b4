/**
 * The us-east-1 edge stack (stage 4 on): web ACL, distribution, its access logs and alarm topic;
 * at stage 5 the second region's load balancer as the failover origin, and with a hosted zone
 * the Route 53 failover names.
 */
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { EDGE_REGION, servingAlarmName, WRITE_PATHS } from '../../core/naming';
import { ORIGIN_RECORD_LABELS } from '../../core/settings';
import { AccessLogBucket } from '../../lib/access-log-bucket';
import { AlarmTopic } from '../../lib/alarm-topic';
import { EdgeDistribution, EdgeFailover } from '../../lib/edge-distribution';
import { EdgeWebAcl } from '../../lib/edge-web-acl';
import { FailoverDns, FailoverRegion } from '../../lib/failover-dns';
import { WebTier } from '../../lib/web-tier';
import { Foundation, growthStack } from './foundation';

export interface EdgeOptions {
  readonly web: WebTier;
  readonly assets: s3.IBucket;
  readonly originVerifyValue: string;
  /**
   * Stage 5: the second region, its web tier the failover origin.
   * @default - one origin, no failover
   */
  readonly secondary?: { readonly foundation: Foundation; readonly web: WebTier };
}

function failoverRegion(f: Foundation, web: WebTier): FailoverRegion {
  return {
    region: f.region,
    loadBalancerDnsName: web.loadBalancer.loadBalancerDnsName,
    loadBalancerHostedZoneId: web.loadBalancer.loadBalancerCanonicalHostedZoneId,
    healthAlarmName: servingAlarmName(f.config.appName, f.region),
  };
}

/**
 * Stage 5's origins: without a hosted zone, the two load balancers' own names (reads fail over,
 * writes stay on the primary); with one, names in the zone (`origin-<region>.<zone>`, which the
 * load balancers' certificates can carry) and the failover name `origin-failover.<zone>` for writes
 * (core/settings.ts `ORIGIN_RECORD_LABELS`).
 */
function failoverOrigins(stack: Stack, f: Foundation, web: WebTier, secondary: NonNullable<EdgeOptions['secondary']>) {
  const { hostedZoneId, hostedZoneName } = f.config;
  if (!hostedZoneId || !hostedZoneName) {
    return { primary: undefined, failover: { domainName: secondary.web.loadBalancer.loadBalancerDnsName, writePaths: [...WRITE_PATHS] } };
  }
  const dns = new FailoverDns(stack, 'OriginDns', {
    zone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId, zoneName: hostedZoneName }),
    recordName: ORIGIN_RECORD_LABELS.region,
    failoverRecordName: ORIGIN_RECORD_LABELS.failover,
    primary: failoverRegion(f, web),
    secondary: failoverRegion(secondary.foundation, secondary.web),
  });
  return {
    primary: dns.regionNames[f.region],
    failover: { domainName: dns.regionNames[secondary.foundation.region], writePaths: [...WRITE_PATHS], writeDomainName: dns.failoverName },
    dns,
  };
}

/**
 * The us-east-1 stack of CloudFront: web ACL, distribution (dynamic paths from the load balancer,
 * `/static/*` from the assets bucket), its access-log bucket, its alarm and that alarm's topic
 * (an alarm notifies only topics of its own region).
 */
export function edge(f: Foundation, options: EdgeOptions): EdgeDistribution {
  const stack = growthStack(f.app.node.root as App, f.config, 'edge', EDGE_REGION, true);
  stack.addStackDependency(f.app);
  const { config } = f;
  let origins: { primary?: string; failover?: EdgeFailover; dns?: FailoverDns } = { primary: config.originDomainName };
  if (options.secondary) {
    stack.addStackDependency(options.secondary.foundation.app);
    origins = failoverOrigins(stack, f, options.web, options.secondary);
  }
  const topic = new AlarmTopic(stack, 'Alarms', { email: config.alarmEmail });
  const webAcl = new EdgeWebAcl(stack, 'WebAcl');
  const logs = new AccessLogBucket(stack, 'AccessLogs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });
  const site = new EdgeDistribution(stack, 'Site', {
    loadBalancer: options.web.loadBalancer,
    originDomainName: origins.primary,
    failover: origins.failover,
    originProtocol: config.certificateArn ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : undefined,
    originVerifyValue: options.originVerifyValue,
    assetsBucket: s3.Bucket.fromBucketAttributes(stack, 'AssetsBucket', {
      bucketArn: options.assets.bucketArn,
      bucketRegionalDomainName: options.assets.bucketRegionalDomainName,
      region: config.region,
    }),
    logBucket: logs.bucket,
    webAclArn: webAcl.webAcl.attrArn,
    certificate: config.edgeCertificateArn ? acm.Certificate.fromCertificateArn(stack, 'Certificate', config.edgeCertificateArn) : undefined,
    domainNames: config.domainName ? [config.domainName] : undefined,
    alarmTopic: topic.topic,
  });
  // The distribution names the origins as plain strings: without this it would be updated while
  // the records are created, and an edge location resolving a name too early caches NXDOMAIN.
  if (origins.dns) site.distribution.node.defaultChild!.node.addDependency(origins.dns);
  new CfnOutput(stack, 'SiteDomainName', {
    value: site.distribution.distributionDomainName,
    description: 'Point the site\'s DNS here (CNAME or Route 53 alias)',
  });
  Validations.of(site).acknowledge({
    id: 'Annotation::@aws-cdk/aws-cloudfront-origins:updateImportedBucketPolicyOac',
    reason: 'the data stack writes the assets bucket policy for CloudFront (AssetsBucket), so neither stack depends on the other',
  });
  return site;
}
