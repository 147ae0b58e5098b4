/**
 * The reference app (`app/`) as every stage ships it: bundled by esbuild into one `server.js` plus
 * its static files, at synth time and without Docker. The asset hash covers the sources and the
 * lockfile, so CDK skips the bundling while neither changes.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { AppArtifact } from '../lib/boot/user-data';

const ROOT = path.join(__dirname, '..');
const APP = path.join(ROOT, 'app');

export function referenceApp(): AppArtifact {
  return {
    path: APP,
    startCommand: 'node server.js',
    assetOptions: {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: sourceHash(),
      bundling: {
        // Never used: local bundling below always succeeds where the project installs.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20'),
        local: { tryBundle: (outputDir) => bundle(outputDir) },
      },
    },
  };
}

function bundle(outputDir: string): boolean {
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({
    entryPoints: [path.join(APP, 'src', 'main.ts')],
    outfile: path.join(outputDir, 'server.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: ['pg-native'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  fs.cpSync(path.join(APP, 'static'), path.join(outputDir, 'static'), { recursive: true });
  return true;
}

function sourceHash(): string {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else hash.update(path.relative(APP, full)).update(fs.readFileSync(full));
    }
  };
  visit(APP);
  return hash.update(fs.readFileSync(path.join(ROOT, 'package-lock.json'))).digest('hex');
}
