/** The static assets of stage 4 on: their bucket and their upload, both in the data stack. */
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AssetsBucket } from '../../lib/assets-bucket';
import { StaticAssets } from '../../lib/static-assets';
import { referenceAppStatic } from '../reference-app';
import { accessLogs } from './data';
import { Foundation } from './foundation';

/**
 * The bucket of the static assets, and their upload under the names the app links to. The data
 * stack deploys before the app stack: a new version's assets are in place before any instance
 * links to them, and older names stay for instances still running.
 */
export function staticAssets(f: Foundation): s3.Bucket {
  const { bucket } = new AssetsBucket(f.data, 'Assets', { accessLogBucket: accessLogs(f).bucket });
  new StaticAssets(f.data, 'StaticAssets', { bucket, source: referenceAppStatic() });
  return bucket;
}
