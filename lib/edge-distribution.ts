import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARMS, ORIGIN_VERIFY_HEADER, SIZES } from '../core/settings';
import { metricOptions, settingAlarm } from './alarms';

/** Header CloudFront adds to every request to the load balancer, which forwards only those (defined once in core/settings). */
export { ORIGIN_VERIFY_HEADER };

export interface EdgeDistributionProps {
  /** The load balancer serving dynamic paths. */
  readonly loadBalancer: elbv2.ILoadBalancerV2;
  /**
   * Secret value of the `X-Origin-Verify` header, typically a Secrets Manager dynamic reference:
   * the load balancer forwards only requests that carry it.
   */
  readonly originVerifyValue: string;
  /** Bucket of the static assets, served under `/static/*` through Origin Access Control. */
  readonly assetsBucket: s3.IBucket;
  /** Bucket of the access logs; CloudFront standard logging needs ACLs enabled on it. */
  readonly logBucket: s3.IBucket;
  /** ARN of a WAF web ACL of scope CLOUDFRONT (see EdgeWebAcl). */
  readonly webAclArn: string;
  /**
   * Certificate (in us-east-1) for `domainNames`; with one, viewers need TLS 1.2 or later.
   * @default - the *.cloudfront.net domain and certificate
   */
  readonly certificate?: acm.ICertificate;
  /**
   * Domain names of the distribution; required with `certificate`.
   * @default - none
   */
  readonly domainNames?: string[];
  /**
   * DNS name CloudFront connects to the load balancer by: with an HTTPS origin, a name on the
   * load balancer's certificate that resolves to it (CloudFront verifies it).
   * @default - the load balancer's own DNS name
   */
  readonly originDomainName?: string;
  /**
   * Protocol between CloudFront and the load balancer. HTTPS needs a load balancer certificate
   * whose name CloudFront can verify, so it comes with a domain of your own.
   * @default cloudfront.OriginProtocolPolicy.HTTP_ONLY
   */
  readonly originProtocol?: cloudfront.OriginProtocolPolicy;
  /**
   * A second region (stage 5): reads fail over to its load balancer per request, writes follow
   * `writeDomainName`.
   * @default - one origin for every method
   */
  readonly failover?: EdgeFailover;
  /**
   * Topic notified when the 5xx error rate rises. CloudFront metrics exist only in us-east-1,
   * so the alarm needs a us-east-1 stack and topic.
   * @default - no alarm
   */
  readonly alarmTopic?: sns.ITopic;
}

/** How a distribution spreads over two regions. */
export interface EdgeFailover {
  /** DNS name of the second region's load balancer (a name on its certificate with HTTPS). */
  readonly domainName: string;
  /**
   * Path patterns of requests that write (POST, PUT, PATCH, DELETE). CloudFront origin groups
   * carry only GET, HEAD and OPTIONS, so these paths go to `writeDomainName` instead.
   */
  readonly writePaths: string[];
  /**
   * Origin of the write paths: typically a Route 53 failover name over both load balancers.
   * @default - the primary origin
   */
  readonly writeDomainName?: string;
}

/**
 * CloudFront in front of everything: dynamic paths from the load balancer (not cached, every
 * viewer header but Host forwarded, plus the origin-verify header), `/static/*` from S3 through
 * Origin Access Control with long TTLs (asset names are content-hashed), HTTPS redirect,
 * compression, HTTP/2 and 3, access logs, a WAF web ACL.
 */
export class EdgeDistribution extends Construct {
  public readonly distribution: cloudfront.Distribution;
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    if (props.certificate && !props.domainNames?.length) {
      throw new Error('EdgeDistribution needs domainNames with a certificate: the certificate must name them');
    }
    const protocolPolicy = props.originProtocol ?? cloudfront.OriginProtocolPolicy.HTTP_ONLY;
    if (protocolPolicy !== cloudfront.OriginProtocolPolicy.HTTP_ONLY && !props.originDomainName) {
      throw new Error('EdgeDistribution needs originDomainName for an HTTPS origin: CloudFront verifies the load balancer certificate against it');
    }
    const origin = (domainName: string) => new origins.HttpOrigin(domainName, {
      protocolPolicy,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifyValue },
      readTimeout: Duration.seconds(SIZES.originReadTimeoutSeconds),
    });
    const dynamic = origin(props.originDomainName ?? props.loadBalancer.loadBalancerDnsName);
    const uncached = {
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      compress: true,
    };
    const writeBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    let defaultBehavior: cloudfront.BehaviorOptions = { origin: dynamic, allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL, ...uncached };
    if (props.failover) {
      defaultBehavior = {
        origin: new origins.OriginGroup({
          primaryOrigin: dynamic,
          fallbackOrigin: origin(props.failover.domainName),
          fallbackStatusCodes: [500, 502, 503, 504],
        }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        ...uncached,
      };
      const writes = props.failover.writeDomainName ? origin(props.failover.writeDomainName) : dynamic;
      for (const path of props.failover.writePaths) {
        writeBehaviors[path] = { origin: writes, allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL, ...uncached };
      }
    }
    this.distribution = new cloudfront.Distribution(this, 'Resource', {
      comment: 'Site: dynamic paths from the load balancer, /static/* from S3',
      defaultBehavior,
      additionalBehaviors: {
        ...writeBehaviors,
        '/static/*': {
          origin: origins.S3BucketOrigin.withOriginAccessControl(props.assetsBucket),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
          compress: true,
        },
      },
      certificate: props.certificate,
      domainNames: props.domainNames,
      minimumProtocolVersion: props.certificate ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      webAclId: props.webAclArn,
    });

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'a public web site serves every country; restrict by geography in the web ACL if the business needs it',
    });
    if (!props.certificate) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'without a domain of its own the distribution uses the *.cloudfront.net certificate, whose TLS floor CloudFront sets; set certificate and domainNames for TLS 1.2 or later',
      });
    }
    if (protocolPolicy === cloudfront.OriginProtocolPolicy.HTTP_ONLY) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR5',
        reason: 'the load balancer origin has no certificate CloudFront could verify until a domain of your own is set; every request carries the origin-verify header the load balancer checks',
      });
    }
    if (props.alarmTopic) this.addAlarm(props.alarmTopic);
  }

  private addAlarm(topic: sns.ITopic) {
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(`EdgeDistribution alarms need a us-east-1 stack (CloudFront metrics live there), not ${region}`);
    }
    const setting = ALARMS.edgeDistribution.ErrorRateAlarm;
    this.alarms.push(settingAlarm(this, 'ErrorRateAlarm', topic, setting, new cloudwatch.Metric({
      namespace: setting.metric.namespace,
      metricName: setting.metric.name,
      dimensionsMap: { DistributionId: this.distribution.distributionId, Region: 'Global' },
      ...metricOptions(setting),
    })));
  }
}
