import * as os from 'os';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { StaticAssets, StaticAssetsProps } from '../../lib/static-assets';
import { bareStack } from '../support/bare-stack';

function build(extra: Partial<StaticAssetsProps> = {}) {
  const stack = bareStack();
  const bucket = new s3.Bucket(stack, 'Bucket');
  const upload = new StaticAssets(stack, 'StaticAssets', { bucket, source: { path: __dirname }, ...extra });
  return { stack, upload, t: Template.fromStack(stack) };
}

describe('StaticAssets', () => {
  const { stack, upload, t } = build();

  test('uploads under static/ without pruning, as immutable objects', () => {
    t.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketKeyPrefix: 'static/',
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    t.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 256 });
  });

  test('keeps the construct path of a plain BucketDeployment with the same ID', () => {
    expect(Object.keys(t.findResources('Custom::CDKBucketDeployment'))).toEqual([expect.stringMatching(/^StaticAssetsCustomResource256MiB[0-9A-F]{8}$/)]);
  });

  test("acknowledges its handler's cdk-nag findings on the handler, naming the bucket", () => {
    const acknowledged = upload.handlerRole.node.scope!.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.keys(m.data));
    const bucketId = stack.getLogicalId(stack.node.findChild('Bucket').node.defaultChild as s3.CfnBucket);
    expect(acknowledged).toEqual(expect.arrayContaining([
      expect.stringContaining('AwsSolutions-L1'),
      expect.stringContaining(`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`),
      expect.stringContaining('AwsSolutions-IAM5[Resource::arn:aws:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*]'),
    ]));
  });

  test('takes another prefix and cache control', () => {
    build({ keyPrefix: 'assets/', cacheControl: 'public, max-age=60' }).t.hasResourceProperties('Custom::CDKBucketDeployment', Match.objectLike({
      DestinationBucketKeyPrefix: 'assets/',
      SystemMetadata: { 'cache-control': 'public, max-age=60' },
    }));
  });

  test.each(['static', '/static/'])('errors when keyPrefix is %p', (keyPrefix) => {
    expect(() => build({ keyPrefix })).toThrow(`StaticAssets keyPrefix must be a folder such as 'static/' (no leading '/', a trailing '/'), got '${keyPrefix}'`);
  });

  test('errors when the source folder does not exist', () => {
    const path = `${os.tmpdir()}/no-such-static-files`;
    expect(() => build({ source: { path } })).toThrow(`StaticAssets source ${path} does not exist: build the static files first`);
  });

  test('errors on a memory limit Lambda refuses', () => {
    expect(() => build({ memoryLimit: 64 })).toThrow('StaticAssets memoryLimit must be an integer from 128 to 10240 (MiB), got 64');
  });
});
