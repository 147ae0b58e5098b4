import { Template, Match } from 'aws-cdk-lib/assertions';
import { AccessLogBucket } from '../../lib/access-log-bucket';
import { bareStack } from '../support/bare-stack';

test('AccessLogBucket is SSE-S3, private, TLS-only, owner-enforced, expiring and retained', () => {
  const stack = bareStack();
  new AccessLogBucket(stack, 'Logs');
  const t = Template.fromStack(stack);
  t.hasResource('AWS::S3::Bucket', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
    }),
  });
  t.hasResourceProperties('AWS::S3::BucketPolicy', {
    PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
  });
});

test('AccessLogBucket is versioned, and its lifecycle rule expires previous versions a day after the logs', () => {
  const stack = bareStack();
  new AccessLogBucket(stack, 'Logs');
  Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
    VersioningConfiguration: { Status: 'Enabled' },
    LifecycleConfiguration: {
      Rules: [Match.objectLike({ Status: 'Enabled', ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })],
    },
  });
});
