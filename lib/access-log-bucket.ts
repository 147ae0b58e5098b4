import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';

export interface AccessLogBucketProps {
  /**
   * Days before a log object expires.
   * @default - `SIZES.accessLogExpirationDays` of core/settings.ts (90 days)
   */
  readonly expiration?: Duration;
  /**
   * What happens to the bucket when it leaves the template.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Who owns the log objects. CloudFront standard logging writes with ACLs, so its bucket needs
   * `BUCKET_OWNER_PREFERRED`.
   * @default s3.ObjectOwnership.BUCKET_OWNER_ENFORCED (ACLs disabled)
   */
  readonly objectOwnership?: s3.ObjectOwnership;
}

/**
 * A bucket for access logs (load balancer, later CDN and S3): SSE-S3, the only encryption load
 * balancers can write to; public access blocked; TLS required; objects owned by the bucket
 * owner (unless `objectOwnership` says otherwise); versioned; logs expire after `expiration`, and
 * their previous versions a day later.
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: props.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Versioned so a deleted or overwritten log can be recovered for a day; log objects are
      // never rewritten, so versioning costs only that day of expired logs.
      versioned: true,
      lifecycleRules: [{
        expiration: props.expiration ?? Duration.days(SIZES.accessLogExpirationDays),
        noncurrentVersionExpiration: Duration.days(SIZES.logNoncurrentVersionDays),
        abortIncompleteMultipartUploadAfter: Duration.days(SIZES.abortIncompleteUploadDays),
      }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'this bucket is the access-log destination; logging its own accesses into itself would loop',
    });
  }
}
