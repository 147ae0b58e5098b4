import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';
import { bucketLifecycleRule, TfPrivateBucket } from './private-bucket';

export interface TfAccessLogBucketProps {
  /** Key prefix the load balancer writes under. */
  readonly loadBalancerPrefix: string;
  /** @default - `SIZES.accessLogExpirationDays` of core/settings.ts (90) */
  readonly expirationDays?: number;
}

/**
 * The bucket of the load balancer's access logs, as the CDK `AccessLogBucket`: SSE-S3 (what load
 * balancers can write), public access blocked, TLS required, ACLs disabled, versioned, logs expire
 * (their previous versions a day later); the
 * region's Elastic Load Balancing account may write under the prefix. `force_destroy` is off, so
 * Terraform cannot delete it while it holds logs.
 */
export class TfAccessLogBucket extends Construct {
  public readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: TfAccessLogBucketProps) {
    super(scope, id);
    const elb = new DataAwsElbServiceAccount(this, 'LoadBalancing');
    const account = new DataAwsCallerIdentity(this, 'Account');
    this.bucket = new TfPrivateBucket(this, 'Resource', {
      bucketPrefix: 'growth-stages-logs-',
      statements: (arn) => [{
        actions: ['s3:PutObject'],
        resources: [`${arn}/${props.loadBalancerPrefix}/AWSLogs/${account.accountId}/*`],
        principals: [{ type: 'AWS', identifiers: [elb.arn] }],
      }],
    }).bucket;
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      bucket: this.bucket.id,
      rule: [bucketLifecycleRule('expire', { expirationDays: props.expirationDays ?? SIZES.accessLogExpirationDays, noncurrentVersionExpirationDays: SIZES.logNoncurrentVersionDays })],
    });
  }
}
