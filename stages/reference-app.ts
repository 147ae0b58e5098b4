/**
 * The reference app (`app/`) as every stage ships it: bundled by esbuild into one `server.js` plus
 * its static files, at synth time and without Docker. The asset hash covers the sources and the
 * lockfile, so CDK skips the bundling while neither changes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, AssetOptions, DockerImage } from 'aws-cdk-lib';
import { versionedAssetName } from '../app/src/asset-name';
import { hashFiles } from '../core/hash-files';
import { bundleReferenceApp, REFERENCE_APP_SOURCES } from '../tools/app-bundle';
import { AppArtifact } from '../lib/boot/user-data';

const ROOT = path.join(__dirname, '..');
const APP = path.join(ROOT, 'app');

export function referenceApp(): AppArtifact {
  return {
    path: APP,
    startCommand: 'node server.js',
    assetOptions: {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: hashFiles(ROOT, REFERENCE_APP_SOURCES),
      bundling: {
        // Never used: local bundling below always succeeds where the project installs.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20'),
        local: {
          tryBundle: (outputDir) => {
            bundleReferenceApp(outputDir);
            return true;
          },
        },
      },
    },
  };
}

/**
 * The app's static files under the content-hashed names it links to (`app.<hash>.css`), for the
 * assets bucket behind CloudFront.
 */
export function referenceAppStatic(): { path: string; assetOptions: AssetOptions } {
  const dir = path.join(APP, 'static');
  return {
    path: dir,
    assetOptions: {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: hashFiles(ROOT, ['app/static', 'app/src/asset-name.ts'], 'static'),
      bundling: {
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20'),
        local: {
          tryBundle: (outputDir) => {
            for (const file of fs.readdirSync(dir)) {
              const body = fs.readFileSync(path.join(dir, file));
              fs.writeFileSync(path.join(outputDir, versionedAssetName(file, body)), body);
            }
            return true;
          },
        },
      },
    },
  };
}
