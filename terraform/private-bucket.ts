import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';

export interface TfPrivateBucketProps {
  /** Start of the generated bucket name. */
  readonly bucketPrefix: string;
  /**
   * Who owns objects written by others. CloudFront's standard logs need ACLs: `BucketOwnerPreferred`.
   * @default 'BucketOwnerEnforced' (ACLs disabled)
   */
  readonly objectOwnership?: string;
  /** Statements besides the TLS-only deny. */
  readonly statements?: (bucketArn: string) => DataAwsIamPolicyDocumentStatement[];
}

/**
 * A bucket as every bucket of the stages is: public access blocked, SSE-S3, ACLs disabled (unless told), plain
 * HTTP refused by its policy, versioned; `force_destroy` off, so Terraform cannot delete it while it holds
 * objects. Its owner gives it a lifecycle (`bucketLifecycleRule`): a bucket takes one lifecycle
 * configuration, and moving one between addresses would delete the new one with the old.
 */
export class TfPrivateBucket extends Construct {
  public readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: TfPrivateBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'Resource', { bucketPrefix: props.bucketPrefix, forceDestroy: false });
    new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketVersioningA(this, 'Versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketOwnershipControls(this, 'Ownership', { bucket: this.bucket.id, rule: { objectOwnership: props.objectOwnership ?? 'BucketOwnerEnforced' } });
    new S3BucketPolicy(this, 'Policy', {
      bucket: this.bucket.id,
      policy: new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
        statement: [
          {
            effect: 'Deny',
            actions: ['s3:*'],
            resources: [this.bucket.arn, `${this.bucket.arn}/*`],
            principals: [{ type: 'AWS', identifiers: ['*'] }],
            condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
          },
          ...props.statements?.(this.bucket.arn) ?? [],
        ],
      }).json,
    });
  }
}

/**
 * The lifecycle rule of every bucket (versioned, as `TfPrivateBucket` makes them): current objects
 * expire after `expirationDays` (never without it), previous versions after
 * `noncurrentVersionExpirationDays`, incomplete multipart uploads after a day.
 */
export function bucketLifecycleRule(id: string, props: { expirationDays?: number; noncurrentVersionExpirationDays: number }): S3BucketLifecycleConfigurationRule {
  return {
    id,
    status: 'Enabled',
    filter: [{}],
    // Without an expiration of current versions (which removes them too), the delete markers that
    // old versions leave are expired explicitly.
    expiration: [props.expirationDays !== undefined ? { days: props.expirationDays } : { expiredObjectDeleteMarker: true }],
    noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays }],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: SIZES.abortIncompleteUploadDays }],
  };
}

/** A lifecycle configuration of one `bucketLifecycleRule`. */
export function bucketLifecycle(scope: Construct, id: string, bucket: S3Bucket, rule: S3BucketLifecycleConfigurationRule): S3BucketLifecycleConfiguration {
  return new S3BucketLifecycleConfiguration(scope, id, { bucket: bucket.id, rule: [rule] });
}
