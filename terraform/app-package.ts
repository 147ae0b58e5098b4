import * as fs from 'fs';
import * as path from 'path';
import { AssetType, TerraformAsset } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';
import { bucketLifecycle, bucketLifecycleRule, TfPrivateBucket } from './private-bucket';

export interface TfAppPackageProps {
  /** A folder ready to run (the bundled app). */
  readonly path: string;
}

/**
 * The app's zip in a bucket of its own (CDK has its bootstrap bucket; Terraform has none): the
 * folder archived at synth, uploaded under its content hash, so a new version is a new key and
 * the instances that name it are replaced. The bucket is a `TfPrivateBucket`.
 */
export class TfAppPackage extends Construct {
  public readonly bucket: S3Bucket;
  public readonly object: S3Object;
  /** `s3://bucket/key` for the boot script. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: TfAppPackageProps) {
    super(scope, id);
    if (!fs.existsSync(path.join(props.path))) throw new Error(`TfAppPackage: no folder at ${props.path}`);
    this.bucket = new TfPrivateBucket(this, 'Bucket', { bucketPrefix: 'growth-stages-app-' }).bucket;
    // A new version of the app is a new key. Terraform replaces the object, and the provider deletes
    // every version of the old key (CloudFormation's assets stay): an instance launched from an
    // older launch template version cannot fetch its package any more. Known gap, in
    // docs/terraform.md; the rule expires what an overwrite of one key leaves.
    bucketLifecycle(this, 'Lifecycle', this.bucket, bucketLifecycleRule('previous-versions', { noncurrentVersionExpirationDays: SIZES.assetNoncurrentVersionDays }));
    const asset = new TerraformAsset(this, 'Archive', { path: props.path, type: AssetType.ARCHIVE });
    this.object = new S3Object(this, 'Object', {
      bucket: this.bucket.id,
      key: `app/${asset.assetHash}.zip`,
      source: asset.path,
    });
    this.url = `s3://${this.bucket.bucket}/${this.object.key}`;
  }
}
