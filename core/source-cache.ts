/**
 * A cache of JSON values computed from the project's sources (synthesized templates, Terraform
 * JSON, validation reports), one file per value under `dir`, keyed by a hash of `sources` and the
 * caller's key: any change to what shapes a value changes its key. Engine-free: the CLI and the
 * tests share it.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { hashFiles } from './hash-files';

export interface SourceCache {
  /** The value for `key`: from the cache, or computed by `compute` and stored. */
  get<T>(key: unknown, compute: () => T): { readonly value: T; readonly cached: boolean };
}

/**
 * A cache of values computed from `sources` (paths relative to `root`), created when the code
 * that computes them is loaded: a process whose sources were edited since then runs the old code,
 * so it neither reads nor writes. Files are written whole and renamed, so a concurrent reader
 * (another jest worker) never sees half a file.
 */
export function sourceCache(root: string, dir: string, sources: readonly string[]): SourceCache {
  const loaded = hashFiles(root, sources);
  return {
    get<T>(key: unknown, compute: () => T) {
      const current = hashFiles(root, sources);
      const unchanged = current === loaded;
      const file = path.join(dir, `${createHash('sha256').update(current).update(JSON.stringify(key)).digest('hex').slice(0, 32)}.json`);
      if (unchanged && fs.existsSync(file)) return { value: JSON.parse(fs.readFileSync(file, 'utf8')) as T, cached: true };
      const value = compute();
      if (unchanged) {
        fs.mkdirSync(dir, { recursive: true });
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, JSON.stringify(value));
        fs.renameSync(partial, file);
      }
      return { value, cached: false };
    },
  };
}
