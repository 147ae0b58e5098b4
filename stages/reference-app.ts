/**
 * The reference app (`app/`) as every stage ships it: bundled by esbuild into one `server.js` plus
 * its static files, without Docker, into a cache folder named by the hash of its sources. The
 * asset carries that same hash, so the templates change only when the sources or the lockfile do,
 * and a synth neither rebundles nor prints CDK's "Bundling asset" lines.
 */
import * as path from 'path';
import { AssetHashType, AssetOptions } from 'aws-cdk-lib';
import { hashFiles } from '../core/hash-files';
import { cachedReferenceAppBundle, cachedReferenceAppStatic, REFERENCE_APP_SOURCES, REFERENCE_APP_STATIC_SOURCES } from '../tools/app-bundle';
import { AppArtifact } from '../lib/app-instance';

const ROOT = path.join(__dirname, '..');

export function referenceApp(): AppArtifact {
  return {
    path: cachedReferenceAppBundle(),
    startCommand: 'node server.js',
    assetOptions: { assetHashType: AssetHashType.CUSTOM, assetHash: hashFiles(ROOT, REFERENCE_APP_SOURCES) },
  };
}

/**
 * The app's static files under the content-hashed names it links to (`app.<hash>.css`), for the
 * assets bucket behind CloudFront.
 */
export function referenceAppStatic(): { path: string; assetOptions: AssetOptions } {
  return {
    path: cachedReferenceAppStatic(),
    assetOptions: { assetHashType: AssetHashType.CUSTOM, assetHash: hashFiles(ROOT, REFERENCE_APP_STATIC_SOURCES, 'static') },
  };
}
