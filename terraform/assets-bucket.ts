import * as fs from 'fs';
import * as path from 'path';
import { AssetType, TerraformAsset } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';
import { versionedAssetName } from '../app/src/asset-name';
import { bucketLifecycle, bucketLifecycleRule, TfPrivateBucket } from './private-bucket';

const CONTENT_TYPES: Record<string, string> = { '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };

export interface TfAssetsBucketProps {
  /** Bucket of the server access logs (under `s3-assets/`). */
  readonly accessLogBucket: string;
  /** Folder of the app's static files, uploaded to `static/` under the names the app links to. */
  readonly staticDir: string;
}

/**
 * The bucket of the static assets, as the CDK `AssetsBucket` plus its upload: a private bucket
 * that CloudFront distributions of this account read through Origin Access Control (by
 * `AWS:SourceArn`), server access logs, previous versions kept 30 days; each static file an object under its content-hashed name
 * (`versionedAssetName`, the app's own), cached for a year.
 */
export class TfAssetsBucket extends Construct {
  public readonly bucket: TfPrivateBucket['bucket'];

  constructor(scope: Construct, id: string, props: TfAssetsBucketProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, 'Account');
    const partition = new DataAwsPartition(this, 'Partition');
    this.bucket = new TfPrivateBucket(this, 'Resource', {
      bucketPrefix: 'growth-stages-assets-',
      statements: (arn) => [{
        sid: 'CloudFrontOriginAccessControl',
        actions: ['s3:GetObject'],
        resources: [`${arn}/*`],
        principals: [{ type: 'Service', identifiers: ['cloudfront.amazonaws.com'] }],
        condition: [{ test: 'StringLike', variable: 'AWS:SourceArn', values: [`arn:${partition.partition}:cloudfront::${account.accountId}:distribution/*`] }],
      }],
    }).bucket;
    // Current assets never expire (instances may still link to them); a replaced copy stays 30 days.
    bucketLifecycle(this, 'Lifecycle', this.bucket, bucketLifecycleRule('previous-versions', { noncurrentVersionExpirationDays: SIZES.assetNoncurrentVersionDays }));
    new S3BucketLoggingA(this, 'Logging', { bucket: this.bucket.id, targetBucket: props.accessLogBucket, targetPrefix: 's3-assets/' });
    for (const file of fs.readdirSync(props.staticDir).sort()) {
      const full = path.join(props.staticDir, file);
      const name = versionedAssetName(file, fs.readFileSync(full));
      const asset = new TerraformAsset(this, `File-${file}`, { path: full, type: AssetType.FILE });
      new S3Object(this, `Static-${file}`, {
        bucket: this.bucket.id,
        key: `static/${name}`,
        source: asset.path,
        contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        cacheControl: 'public, max-age=31536000, immutable',
      });
    }
  }
}
