import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ALARMS, SIZES } from '../core/settings';
import { alarmMetric, alarmSettings } from './alarm-topic';
import { bucketLifecycle, bucketLifecycleRule, TfPrivateBucket } from './private-bucket';

/** CloudFront's managed policies, as CDK names them. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

export interface TfEdgeProps {
  /** DNS name of the load balancer (the origin of dynamic paths). */
  readonly loadBalancerDnsName: string;
  /**
   * DNS name CloudFront connects to the load balancer by: with an HTTPS origin, a name on the
   * load balancer's certificate that resolves to it (CloudFront verifies it).
   * @default - `loadBalancerDnsName`
   */
  readonly originDomainName?: string;
  /**
   * Protocol between CloudFront and the load balancers, as the CDK `EdgeDistribution`'s
   * `originProtocol`: `https-only` when the load balancer has a certificate (it then listens, and
   * admits CloudFront, on 443 only).
   * @default 'http-only'
   */
  readonly originProtocolPolicy?: 'http-only' | 'https-only';
  /**
   * ACM certificate in us-east-1 for `domainNames`; with one, viewers need TLS 1.2 or later
   * (SNI, TLSv1.2_2021).
   * @default - the *.cloudfront.net domain and certificate
   */
  readonly certificateArn?: string;
  /**
   * Domain names (aliases) of the distribution; required with `certificateArn`.
   * @default - none
   */
  readonly domainNames?: string[];
  readonly originVerifyHeader: string;
  readonly originVerifyValue: string;
  /** The assets bucket's regional domain name. */
  readonly assetsBucketDomainName: string;
  readonly alarmTopicArn: string;
  /**
   * Stage 5: the second region's load balancer (reads fail over to it per request, through an
   * origin group) and the write paths, with the name they go to (a Route 53 failover name).
   */
  readonly failover?: { readonly domainName: string; readonly writePaths: string[]; readonly writeDomainName?: string };
  /**
   * What the distribution waits for: the DNS records of origin names it takes as plain strings,
   * so no edge location resolves a name before it exists (and caches NXDOMAIN).
   */
  readonly dependsOn?: ITerraformDependable[];
  /** Requests one IP may make in 5 minutes. @default - `SIZES.webAclRateLimitPer5Minutes` of core/settings.ts (2000) */
  readonly rateLimitPer5Minutes?: number;
}

/**
 * CloudFront and its web ACL, as the CDK `EdgeWebAcl` and `EdgeDistribution` (in a us-east-1
 * stack): AWS's common and known-bad-inputs rule sets and a per-IP rate limit; dynamic paths
 * uncached from the load balancer with the origin-verify header, `/static/*` from the assets
 * bucket through Origin Access Control, cached (HTTP or, with a load balancer certificate, HTTPS
 * to `originDomainName`); the site's own domain names and certificate (TLS 1.2 or later) when
 * given; HTTPS redirect, compression, HTTP/2 and 3,
 * standard logs to a bucket of its own (ACLs enabled: CloudFront's legacy logs need them); an
 * alarm on the 5xx rate.
 */
export class TfEdge extends Construct {
  public readonly distribution: CloudfrontDistribution;
  public readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: TfEdgeProps) {
    super(scope, id);
    if (props.certificateArn && !props.domainNames?.length) {
      throw new Error('TfEdge needs domainNames with a certificateArn: the certificate must name them');
    }
    const originProtocolPolicy = props.originProtocolPolicy ?? 'http-only';
    if (originProtocolPolicy !== 'http-only' && !props.originDomainName) {
      throw new Error('TfEdge needs originDomainName for an HTTPS origin: CloudFront verifies the load balancer certificate against it');
    }
    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });
    const visibilityJson = (metricName: string) => ({ CloudWatchMetricsEnabled: true, MetricName: metricName, SampledRequestsEnabled: true });
    const managed = (name: string, priority: number) => ({
      Name: name, Priority: priority, OverrideAction: { None: {} },
      Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } }, VisibilityConfig: visibilityJson(name),
    });
    const webAcl = new Wafv2WebAcl(this, 'WebAcl', {
      name: `${this.node.path.replace(/\//g, '-')}-web-acl`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('EdgeWebAcl'),
      ruleJson: JSON.stringify([
        managed('AWSManagedRulesCommonRuleSet', 0),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        {
          Name: 'RateLimitPerIp', Priority: 2, Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: props.rateLimitPer5Minutes ?? SIZES.webAclRateLimitPer5Minutes, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
          VisibilityConfig: visibilityJson('RateLimitPerIp'),
        },
      ]),
    });
    const logs = new TfPrivateBucket(this, 'AccessLogs', { bucketPrefix: 'growth-stages-cdn-logs-', objectOwnership: 'BucketOwnerPreferred' }).bucket;
    // As the CDK AccessLogBucket: logs expire after 90 days, their previous versions a day later.
    bucketLifecycle(this, 'AccessLogsLifecycle', logs, bucketLifecycleRule('expire', { expirationDays: SIZES.accessLogExpirationDays, noncurrentVersionExpirationDays: SIZES.logNoncurrentVersionDays }));
    const oac = new CloudfrontOriginAccessControl(this, 'AssetsAccess', {
      name: `${this.node.path.replace(/\//g, '-')}-assets`, originAccessControlOriginType: 's3', signingBehavior: 'always', signingProtocol: 'sigv4',
    });
    const redirect = 'redirect-to-https';
    const loadBalancerOrigin = (originId: string, domainName: string) => ({
      originId,
      domainName,
      customHeader: [{ name: props.originVerifyHeader, value: props.originVerifyValue }],
      customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy, originSslProtocols: ['TLSv1.2'], originReadTimeout: SIZES.originReadTimeoutSeconds },
    });
    const allMethods = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'];
    const dynamic = { cachePolicyId: CACHING_DISABLED, originRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER, compress: true, viewerProtocolPolicy: redirect };
    const failover = props.failover;
    this.distribution = new CloudfrontDistribution(this, 'Site', {
      dependsOn: props.dependsOn,
      enabled: true,
      comment: 'Site: dynamic paths from the load balancer, /static/* from S3',
      httpVersion: 'http2and3',
      isIpv6Enabled: true,
      priceClass: 'PriceClass_100',
      webAclId: webAcl.arn,
      origin: [
        loadBalancerOrigin('load-balancer', props.originDomainName ?? props.loadBalancerDnsName),
        ...failover ? [loadBalancerOrigin('load-balancer-failover', failover.domainName)] : [],
        ...failover?.writeDomainName ? [loadBalancerOrigin('writes', failover.writeDomainName)] : [],
        { originId: 'assets', domainName: props.assetsBucketDomainName, originAccessControlId: oac.id },
      ],
      // Origin groups carry only GET, HEAD and OPTIONS: with a second region, reads go to one and
      // the write paths to their own behavior.
      originGroup: failover ? [{
        originId: 'load-balancers',
        failoverCriteria: { statusCodes: [500, 502, 503, 504] },
        member: [{ originId: 'load-balancer' }, { originId: 'load-balancer-failover' }],
      }] : undefined,
      defaultCacheBehavior: {
        ...dynamic,
        targetOriginId: failover ? 'load-balancers' : 'load-balancer',
        allowedMethods: failover ? ['GET', 'HEAD', 'OPTIONS'] : allMethods,
        cachedMethods: ['GET', 'HEAD'],
      },
      orderedCacheBehavior: [
        ...(failover?.writePaths ?? []).map((pathPattern) => ({
          ...dynamic, pathPattern, targetOriginId: failover?.writeDomainName ? 'writes' : 'load-balancer', allowedMethods: allMethods, cachedMethods: ['GET', 'HEAD'],
        })),
        {
          pathPattern: '/static/*',
          targetOriginId: 'assets',
          viewerProtocolPolicy: redirect,
          allowedMethods: ['GET', 'HEAD'],
          cachedMethods: ['GET', 'HEAD'],
          cachePolicyId: CACHING_OPTIMIZED,
          compress: true,
        },
      ],
      loggingConfig: { bucket: logs.bucketRegionalDomainName, prefix: 'cloudfront/', includeCookies: false },
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      aliases: props.certificateArn ? props.domainNames : undefined,
      viewerCertificate: props.certificateArn
        ? { acmCertificateArn: props.certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' }
        : { cloudfrontDefaultCertificate: true },
    });
    const errorRate = ALARMS.edgeDistribution.ErrorRateAlarm;
    this.alarms.push(new CloudwatchMetricAlarm(this, 'ErrorRateAlarm', {
      alarmName: `${this.node.path.replace(/\//g, '-')}-ErrorRateAlarm`,
      ...alarmMetric(errorRate, { DistributionId: this.distribution.id, Region: 'Global' }), ...alarmSettings(errorRate),
      alarmActions: [props.alarmTopicArn], okActions: [props.alarmTopicArn],
    }));
  }
}
