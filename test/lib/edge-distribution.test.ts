import { Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EdgeDistribution, EdgeDistributionProps } from '../../lib/edge-distribution';
import { bareStack, testVpc } from '../support/bare-stack';

const WAF = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/11111111-2222-3333-4444-555555555555';

/** The distribution with its required props, plus what `extra` makes in the same stack. */
function build(extra: (stack: Stack) => Partial<EdgeDistributionProps> = () => ({})) {
  const stack = bareStack();
  new EdgeDistribution(stack, 'Edge', {
    loadBalancer: new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc: testVpc(stack), internetFacing: true }),
    originVerifyValue: 'from-a-secret',
    assetsBucket: new s3.Bucket(stack, 'Assets'),
    logBucket: new s3.Bucket(stack, 'Logs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED }),
    webAclArn: WAF,
    ...extra(stack),
  });
  return Template.fromStack(stack);
}

describe('EdgeDistribution', () => {
  const t = build();
  const config = () => Object.values(t.findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;

  test('sends dynamic paths, uncached, to the load balancer with the origin-verify header', () => {
    expect(config().DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https', Compress: true, CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
      AllowedMethods: expect.arrayContaining(['POST', 'DELETE']),
    });
    const albOrigin = config().Origins.find((o: { CustomOriginConfig?: unknown }) => o.CustomOriginConfig);
    expect(albOrigin).toMatchObject({
      OriginCustomHeaders: [{ HeaderName: 'X-Origin-Verify', HeaderValue: 'from-a-secret' }],
      CustomOriginConfig: { OriginProtocolPolicy: 'http-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
  });

  test('serves /static/* from S3 through Origin Access Control, cached', () => {
    expect(config().CacheBehaviors).toEqual([expect.objectContaining({
      PathPattern: '/static/*', ViewerProtocolPolicy: 'redirect-to-https', CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
    })]);
    t.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' })]) },
    });
  });

  test('logs, uses the web ACL and speaks HTTP/2 and 3', () => {
    expect(config()).toMatchObject({
      WebACLId: WAF, HttpVersion: 'http2and3', PriceClass: 'PriceClass_100',
      Logging: { Bucket: expect.anything(), Prefix: 'cloudfront/' },
    });
  });

  test('requires TLS 1.2 from viewers when given a certificate and domain names', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
    const custom = build((stack) => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', arn), domainNames: ['www.example.com'] }));
    custom.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['www.example.com'],
        ViewerCertificate: { AcmCertificateArn: arn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
  });

  test('alarms on the 5xx error rate in us-east-1', () => {
    const alarmed = build((stack) => ({ alarmTopic: new sns.Topic(stack, 'Topic') }));
    alarmed.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/CloudFront', MetricName: '5xxErrorRate', Threshold: 5,
      Dimensions: Match.arrayWith([{ Name: 'Region', Value: 'Global' }]),
    });
  });

  test('with a second region: reads through an origin group that fails over, writes on their own paths with every method', () => {
    const t2 = build(() => ({ failover: { domainName: 'second.example.com', writePaths: ['/jobs'], writeDomainName: 'origin.example.com' } }));
    const c = Object.values(t2.findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
    const domain = (id: string) => c.Origins.find((o: any) => o.Id === id).DomainName;
    const [group] = c.OriginGroups.Items;
    expect(group.Members.Items.map((m: any) => domain(m.OriginId))).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Alb/), 'DNSName'] }, 'second.example.com']);
    expect(group.FailoverCriteria.StatusCodes.Items).toEqual([500, 502, 503, 504]);
    expect(c.DefaultCacheBehavior).toMatchObject({ TargetOriginId: group.Id, AllowedMethods: ['GET', 'HEAD', 'OPTIONS'] });
    const writes = c.CacheBehaviors.find((b: any) => b.PathPattern === '/jobs');
    expect(writes).toMatchObject({ AllowedMethods: expect.arrayContaining(['POST', 'DELETE']), CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad' });
    expect(domain(writes.TargetOriginId)).toBe('origin.example.com');
    for (const o of c.Origins.filter((o: any) => o.CustomOriginConfig)) {
      expect(o.OriginCustomHeaders).toEqual([{ HeaderName: 'X-Origin-Verify', HeaderValue: 'from-a-secret' }]);
    }
  });

  test('errors on an HTTPS origin without a name its certificate can carry', () => {
    expect(() => build(() => ({ originProtocol: cloudfront.OriginProtocolPolicy.HTTPS_ONLY })))
      .toThrow('EdgeDistribution needs originDomainName for an HTTPS origin');
  });

  test('errors on a certificate without domain names', () => {
    expect(() => build((stack) => ({ certificate: acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:123456789012:certificate/x') })))
      .toThrow('EdgeDistribution needs domainNames with a certificate');
  });
});
