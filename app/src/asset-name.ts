/**
 * The name a static file is served and uploaded under: `<base>.<first 12 hex of its SHA-256>.<ext>`.
 * The app serves `/static/<name>` and links to it; from stage 4 the same names are uploaded to the
 * assets bucket behind CloudFront, so both must compute them here.
 */
import { createHash } from 'crypto';
import * as path from 'path';

export function versionedAssetName(file: string, body: Buffer): string {
  const ext = path.extname(file);
  return `${path.basename(file, ext)}.${createHash('sha256').update(body).digest('hex').slice(0, 12)}${ext}`;
}
