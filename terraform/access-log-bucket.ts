import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';

export interface TfAccessLogBucketProps {
  /** Key prefix the load balancer writes under. */
  readonly loadBalancerPrefix: string;
  /** @default 90 */
  readonly expirationDays?: number;
}

/**
 * The bucket of the load balancer's access logs, as the CDK `AccessLogBucket`: SSE-S3 (what load
 * balancers can write), public access blocked, TLS required, ACLs disabled, logs expire; the
 * region's Elastic Load Balancing account may write under the prefix. `force_destroy` is off, so
 * Terraform cannot delete it while it holds logs.
 */
export class TfAccessLogBucket extends Construct {
  public readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: TfAccessLogBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'Resource', { bucketPrefix: 'growth-stages-logs-', forceDestroy: false });
    new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketOwnershipControls(this, 'Ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.id,
      rule: [{ id: 'expire', status: 'Enabled', filter: [{}], expiration: [{ days: props.expirationDays ?? 90 }] }],
    });
    const elb = new DataAwsElbServiceAccount(this, 'LoadBalancing');
    const account = new DataAwsCallerIdentity(this, 'Account');
    new S3BucketPolicy(this, 'Policy', {
      bucket: this.bucket.id,
      policy: new DataAwsIamPolicyDocument(this, 'Document', {
        statement: [
          {
            effect: 'Deny',
            actions: ['s3:*'],
            resources: [this.bucket.arn, `${this.bucket.arn}/*`],
            principals: [{ type: 'AWS', identifiers: ['*'] }],
            condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
          },
          {
            actions: ['s3:PutObject'],
            resources: [`${this.bucket.arn}/${props.loadBalancerPrefix}/AWSLogs/${account.accountId}/*`],
            principals: [{ type: 'AWS', identifiers: [elb.arn] }],
          },
        ],
      }).json,
    });
  }
}
