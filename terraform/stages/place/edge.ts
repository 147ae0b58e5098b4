/**
 * The us-east-1 edge stack (stage 4 on): its alarm topic, CloudFront and the web ACL; at stage 5
 * with a hosted zone, the Route 53 failover records the write paths follow.
 */
import { App, TerraformOutput } from 'cdktf';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { ORIGIN_RECORD_LABELS, ORIGIN_VERIFY_HEADER } from '../../../core/settings';
import { EDGE_REGION, servingAlarmName, WRITE_PATHS } from '../../../core/naming';
import { TfAlarmTopic } from '../../alarm-topic';
import { TfAssetsBucket } from '../../assets-bucket';
import { TfEdge, TfEdgeProps } from '../../edge';
import { TfFailoverDns } from '../../failover-dns';
import { growthTfStack } from '../../stack';
import { TfWebTier } from '../../web-tier';
import { Foundation } from './foundation';
import { originVerifyValue } from './origin-verify';

export interface EdgeOptions {
  readonly web: TfWebTier;
  readonly assets: TfAssetsBucket;
  readonly secretName: string;
  /**
   * Stage 5: the second region, whose load balancer is the failover origin.
   * @default - one origin, no failover
   */
  readonly secondary?: { readonly f: Foundation; readonly web: TfWebTier };
}

export function edge(app: App, f: Foundation, options: EdgeOptions): void {
  const { config } = f;
  const stack = growthTfStack(app, config, 'edge', EDGE_REGION);
  stack.addDependency(f.app);
  let primaryOrigin = options.web.loadBalancer.dnsName;
  // As CloudFormation's edge(): stage 4's originDomainName; at stage 5 the region's name in the zone.
  let originDomainName = config.originDomainName;
  let failover: TfEdgeProps['failover'];
  let records: Route53Record[] = [];
  if (options.secondary) {
    stack.addDependency(options.secondary.f.app);
    const region = (g: Foundation, web: TfWebTier) => ({
      region: g.region, loadBalancerDnsName: web.loadBalancer.dnsName, loadBalancerZoneId: web.loadBalancer.zoneId, healthAlarmName: servingAlarmName(g.config.appName, g.region),
    });
    if (config.hostedZoneId && config.hostedZoneName) {
      const dns = new TfFailoverDns(stack, 'OriginDns', {
        zoneId: config.hostedZoneId, zoneName: config.hostedZoneName,
        recordName: ORIGIN_RECORD_LABELS.region, failoverRecordName: ORIGIN_RECORD_LABELS.failover,
        primary: region(f, options.web), secondary: region(options.secondary.f, options.secondary.web),
      });
      primaryOrigin = dns.regionNames[f.region];
      records = dns.records;
      originDomainName = primaryOrigin;
      failover = { domainName: dns.regionNames[options.secondary.f.region], writePaths: [...WRITE_PATHS], writeDomainName: dns.failoverName };
    } else {
      failover = { domainName: options.secondary.web.loadBalancer.dnsName, writePaths: [...WRITE_PATHS] };
      originDomainName = undefined;
    }
  }
  const alarms = new TfAlarmTopic(stack, 'Alarms', { email: config.alarmEmail });
  const site = new TfEdge(stack, 'Site', {
    loadBalancerDnsName: primaryOrigin,
    originDomainName,
    originProtocolPolicy: config.certificateArn ? 'https-only' : undefined,
    certificateArn: config.edgeCertificateArn,
    domainNames: config.domainName ? [config.domainName] : undefined,
    originVerifyHeader: ORIGIN_VERIFY_HEADER,
    originVerifyValue: originVerifyValue(stack, options.secretName),
    assetsBucketDomainName: options.assets.bucket.bucketRegionalDomainName,
    alarmTopicArn: alarms.topic.arn,
    failover,
    // As CloudFormation's edge(): the distribution waits for the names its origins use.
    dependsOn: records.length ? records : undefined,
  });
  new TerraformOutput(stack, 'SiteDomainName', { value: site.distribution.domainName, description: 'Point the site\'s DNS here (CNAME or Route 53 alias)' });
}
