import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';

export interface AssetsBucketProps {
  /** Bucket that receives this bucket's server access logs. */
  readonly accessLogBucket: s3.IBucket;
  /**
   * ARN (wildcards allowed) of the CloudFront distributions that may read the objects through
   * Origin Access Control.
   * @default - every distribution of this account: the distribution lives in another stack (and
   *   region), and naming it here would make this stack depend on it
   */
  readonly distributionArn?: string;
  /**
   * What happens to the bucket when it leaves the template.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The bucket of the site's static assets, served by CloudFront through Origin Access Control:
 * public access blocked, SSE-S3 (OAC reads SSE-KMS only with a key policy for CloudFront), TLS
 * required, server access logs, versioned (previous versions kept 30 days); its policy lets only CloudFront distributions of
 * `distributionArn` read objects. Asset names are content-hashed, so objects never change.
 */
export class AssetsBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AssetsBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Resource', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 's3-assets/',
      // Versioned, so a deleted asset can be restored; an upload of the same name keeps the
      // previous copy for 30 days. Current objects never expire: instances may still link to them.
      versioned: true,
      // Old versions go after 30 days, and then the delete markers they leave (no rule expires
      // current versions here, which would remove those markers by itself).
      lifecycleRules: [{
        noncurrentVersionExpiration: Duration.days(SIZES.assetNoncurrentVersionDays), expiredObjectDeleteMarker: true,
        abortIncompleteMultipartUploadAfter: Duration.days(SIZES.abortIncompleteUploadDays),
      }],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudFrontOriginAccessControl',
      principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
      actions: ['s3:GetObject'],
      resources: [this.bucket.arnForObjects('*')],
      conditions: {
        StringLike: { 'AWS:SourceArn': props.distributionArn ?? `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/*` },
      },
    }));
  }
}
