import * as fs from 'fs';
import * as path from 'path';
import { AssetType, TerraformAsset } from 'cdktf';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Construct } from 'constructs';

export interface TfAppPackageProps {
  /** A folder ready to run (the bundled app). */
  readonly path: string;
}

/**
 * The app's zip in a bucket of its own (CDK has its bootstrap bucket; Terraform has none): the
 * folder archived at synth, uploaded under its content hash, so a new version is a new key and
 * the instances that name it are replaced. The bucket blocks public access, encrypts, refuses
 * plain HTTP and disables ACLs.
 */
export class TfAppPackage extends Construct {
  public readonly bucket: S3Bucket;
  public readonly object: S3Object;
  /** `s3://bucket/key` for the boot script. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: TfAppPackageProps) {
    super(scope, id);
    if (!fs.existsSync(path.join(props.path))) throw new Error(`TfAppPackage: no folder at ${props.path}`);
    this.bucket = new S3Bucket(this, 'Bucket', { bucketPrefix: 'growth-stages-app-' });
    new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: this.bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    new S3BucketOwnershipControls(this, 'Ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPolicy(this, 'Policy', {
      bucket: this.bucket.id,
      policy: new DataAwsIamPolicyDocument(this, 'TlsOnly', {
        statement: [{
          effect: 'Deny',
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        }],
      }).json,
    });
    const asset = new TerraformAsset(this, 'Archive', { path: props.path, type: AssetType.ARCHIVE });
    this.object = new S3Object(this, 'Object', {
      bucket: this.bucket.id,
      key: `app/${asset.assetHash}.zip`,
      source: asset.path,
    });
    this.url = `s3://${this.bucket.bucket}/${this.object.key}`;
  }
}
