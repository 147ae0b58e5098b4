import * as fs from 'fs';
import { AssetOptions, DefaultStackSynthesizer, Stack, Token, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

export interface StaticAssetsProps {
  /** Bucket the files are uploaded to (for example an `AssetsBucket`'s). */
  readonly bucket: s3.IBucket;
  /** Folder of the files, already built, under the content-hashed names the app links to. */
  readonly source: {
    readonly path: string;
    /**
     * How the asset is hashed (a custom hash from the sources avoids rehashing built files).
     * @default - the hash of the folder's contents
     */
    readonly assetOptions?: AssetOptions;
  };
  /**
   * Key prefix of the uploaded files; ends with `/`.
   * @default 'static/'
   */
  readonly keyPrefix?: string;
  /**
   * `Cache-Control` of every uploaded object.
   * @default 'public, max-age=31536000, immutable' - a content-hashed name never changes content
   */
  readonly cacheControl?: string;
  /**
   * Memory of the upload function in MiB.
   * @default 256
   */
  readonly memoryLimit?: number;
}

/**
 * Uploads a folder of content-hashed static files into a bucket at deploy time, without pruning:
 * objects a running instance may still link to stay until a lifecycle rule or a person removes
 * them. Deploy it in a stack that deploys before the instances (the data stack), so a new
 * version's files are in place before anything links to them.
 *
 * A `BucketDeployment` with these defaults and the cdk-nag acknowledgements its handler needs
 * (aws-cdk-lib's grants and managed policy, its pinned runtime), each naming what it covers.
 * It extends `BucketDeployment` rather than wrapping it, so its resources keep the construct
 * path (and logical IDs) a plain `BucketDeployment` with the same ID has.
 */
export class StaticAssets extends s3deploy.BucketDeployment {
  constructor(scope: Construct, id: string, props: StaticAssetsProps) {
    const keyPrefix = props.keyPrefix ?? 'static/';
    if (!Token.isUnresolved(keyPrefix) && (!keyPrefix.endsWith('/') || keyPrefix.startsWith('/'))) {
      throw new Error(`StaticAssets keyPrefix must be a folder such as 'static/' (no leading '/', a trailing '/'), got '${keyPrefix}'`);
    }
    if (!fs.existsSync(props.source.path)) {
      throw new Error(`StaticAssets source ${props.source.path} does not exist: build the static files first`);
    }
    const memoryLimit = props.memoryLimit ?? 256;
    if (!Number.isInteger(memoryLimit) || memoryLimit < 128 || memoryLimit > 10240) {
      throw new Error(`StaticAssets memoryLimit must be an integer from 128 to 10240 (MiB), got ${memoryLimit}`);
    }
    super(scope, id, {
      sources: [s3deploy.Source.asset(props.source.path, props.source.assetOptions)],
      destinationBucket: props.bucket,
      destinationKeyPrefix: keyPrefix,
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString(props.cacheControl ?? 'public, max-age=31536000, immutable')],
      memoryLimit,
    });
    this.acknowledgeHandlerFindings(props.bucket);
  }

  /** cdk-nag findings on aws-cdk-lib's handler function, which every upload of the stack shares. */
  private acknowledgeHandlerFindings(bucket: s3.IBucket) {
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const qualifier = stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const resources = [`Resource::arn:aws:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-${region}/*`];
    const bucketArn = nagResource(stack.resolve(bucket.bucketArn));
    if (bucketArn) resources.push(`Resource::${bucketArn}/*`);
    const actions = ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'].map((a) => `Action::${a}`);
    Validations.of(this.handlerRole.node.scope!).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "aws-cdk-lib's BucketDeployment handler: the managed policy grants only writing its own logs",
      },
      ...[...actions, ...resources].map((w) => ({
        id: `AwsSolutions-IAM5[${w}]`,
        reason: "aws-cdk-lib's grants to the BucketDeployment handler: read the CDK asset objects, write under the assets bucket",
      })),
      { id: 'AwsSolutions-L1', reason: 'aws-cdk-lib pins the runtime its bundled handler is built and tested for; it moves with aws-cdk-lib' },
    );
  }
}

/** A resolved ARN as cdk-nag names it in a finding: `<LogicalId.Arn>` for a bucket of the same stack. */
function nagResource(resolved: unknown): string | undefined {
  if (typeof resolved === 'string') return resolved;
  const getAtt = (resolved as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  return getAtt ? `<${getAtt[0]}.${getAtt[1]}>` : undefined;
}
