import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AssetsBucket } from '../../lib/assets-bucket';
import { bareStack } from '../support/bare-stack';

function build(distributionArn?: string) {
  const stack = bareStack();
  new AssetsBucket(stack, 'Assets', { accessLogBucket: new s3.Bucket(stack, 'Logs'), distributionArn });
  return Template.fromStack(stack);
}

describe('AssetsBucket', () => {
  const t = build();
  const bucket = () => Object.entries(t.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('Assets'))!;
  const statements = () => Object.values(t.findResources('AWS::S3::BucketPolicy'))
    .find((p: any) => p.Properties.Bucket.Ref === bucket()[0])!.Properties.PolicyDocument.Statement;

  test('blocks public access, encrypts, requires TLS, logs access and is kept when removed', () => {
    const [, b] = bucket();
    expect(b).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LoggingConfiguration: { LogFilePrefix: 's3-assets/' },
      },
    });
    expect(statements()).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  test('lets CloudFront read objects only for distributions of this account, and nobody else anything', () => {
    const allows = statements().filter((s: any) => s.Effect === 'Allow');
    expect(allows).toEqual([expect.objectContaining({
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Condition: { StringLike: { 'AWS:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudfront::', { Ref: 'AWS::AccountId' }, ':distribution/*']] } } },
    })]);
  });

  test('narrows the readers to one distribution when told', () => {
    const arn = 'arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE';
    expect(JSON.stringify(build(arn).toJSON())).toContain(`"AWS:SourceArn":"${arn}"`);
  });
});

// No rule expires current versions (which would also remove delete markers), so the markers that
// expired old versions leave are expired by the rule itself (S3: ExpiredObjectDeleteMarker).
test('AssetsBucket is versioned; previous versions expire after 30 days, then their delete markers; current assets never', () => {
  build().hasResourceProperties('AWS::S3::Bucket', {
    VersioningConfiguration: { Status: 'Enabled' },
    LifecycleConfiguration: {
      Rules: [{
        Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 30 }, ExpiredObjectDeleteMarker: true,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      }],
    },
  });
});
