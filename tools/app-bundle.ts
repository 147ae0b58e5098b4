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

/** The static files under the content-hashed names the app links to (`app.<hash>.css`). */
export function versionStaticFiles(outputDir: string): void {
  const { versionedAssetName } = require('../app/src/asset-name') as typeof import('../app/src/asset-name');
  fs.mkdirSync(outputDir, { recursive: true });
  for (const file of fs.readdirSync(REFERENCE_APP_STATIC)) {
    const body = fs.readFileSync(path.join(REFERENCE_APP_STATIC, file));
    fs.writeFileSync(path.join(outputDir, versionedAssetName(file, body)), body);
  }
}

/** What the versioned static files are built from, relative to the project. */
export const REFERENCE_APP_STATIC_SOURCES = ['app/static', 'app/src/asset-name.ts'];

const CACHE = path.join(ROOT, '.cache');

/** The bundle under `cacheRoot/<hash of the sources>`, built only when that folder is missing. */
export function cachedReferenceAppBundle(cacheRoot = path.join(CACHE, 'app-bundle')): string {
  return cachedBuild(path.join(cacheRoot, hashFiles(ROOT, REFERENCE_APP_SOURCES)), bundleReferenceApp);
}

/** The versioned static files under `cacheRoot/<hash of their sources>`. */
export function cachedReferenceAppStatic(cacheRoot = path.join(CACHE, 'app-static')): string {
  return cachedBuild(path.join(cacheRoot, hashFiles(ROOT, REFERENCE_APP_STATIC_SOURCES, 'static')), versionStaticFiles);
}

/**
 * `dir`, built by `build` into a staging folder and renamed into place when missing. Concurrent
 * builders (jest workers) each stage their own folder; the first rename wins, the others discard.
 */
function cachedBuild(dir: string, build: (outputDir: string) => void): string {
  if (fs.existsSync(dir)) return dir;
  const staging = `${dir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  build(staging);
  try {
    fs.renameSync(staging, dir);
  } catch (error) {
    if (!fs.existsSync(dir)) throw error;
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}
