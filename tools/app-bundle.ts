/**
 * The reference app's bundle (esbuild, no Docker): one `server.js` plus `static/`. Engine-free:
 * the CDK asset bundles into CDK's staging folder, the Terraform app into a cache folder named by
 * the sources' hash, the load test into a temporary one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { hashFiles } from '../core/hash-files';

const ROOT = path.join(__dirname, '..');
const APP = path.join(ROOT, 'app');

/** The app's static files, served under `/static/` by their content-hashed names. */
export const REFERENCE_APP_STATIC = path.join(APP, 'static');

/** What the bundle is built from, relative to the project: its hash names the bundle. */
export const REFERENCE_APP_SOURCES = ['app', 'package-lock.json'];

/** Bundles the app into `outputDir` as it ships: `server.js` and `static/`. */
export function bundleReferenceApp(outputDir: string): void {
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
}

/** The bundle under `cacheRoot/<hash of the sources>`, built only when that folder is missing. */
export function cachedReferenceAppBundle(cacheRoot = path.join(ROOT, '.cache', 'app-bundle')): string {
  const dir = path.join(cacheRoot, hashFiles(ROOT, REFERENCE_APP_SOURCES));
  if (!fs.existsSync(dir)) {
    const staging = `${dir}.tmp-${process.pid}`;
    bundleReferenceApp(staging);
    fs.renameSync(staging, dir);
  }
  return dir;
}
