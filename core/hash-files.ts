import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * SHA-256 over the files at `entries` (paths relative to `root`; folders are walked in sorted
 * order; missing entries are skipped), each hashed with its relative path, after `seed`.
 */
export function hashFiles(root: string, entries: readonly string[], seed = ''): string {
  const hash = createHash('sha256').update(seed);
  const visit = (entry: string) => {
    const full = path.join(root, entry);
    if (!fs.existsSync(full)) return;
    if (fs.statSync(full).isDirectory()) {
      for (const child of fs.readdirSync(full).sort()) visit(path.join(entry, child));
    } else {
      hash.update(entry).update(fs.readFileSync(full));
    }
  };
  entries.forEach(visit);
  return hash.digest('hex');
}
