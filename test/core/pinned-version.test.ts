/**
 * The pinned engine version (core/settings.ts) is the only one: both engines render it, and no
 * instance upgrades itself. AWS: a global database's clusters must run the same engine version for
 * a managed switchover or failover, and a secondary added at stage 5 is created at the version its
 * template names; with automatic minor upgrades the primary could already run a newer minor, and
 * Terraform would plan a downgrade of a cluster AWS upgraded.
 */
import * as fs from 'fs';
import * as path from 'path';
import { AURORA_POSTGRES_VERSION, majorVersion } from '../../core/settings';

const ROOT = path.join(__dirname, '..', '..');

test('the Aurora PostgreSQL version is written once, in core/settings.ts', () => {
  expect(AURORA_POSTGRES_VERSION).toMatch(/^16\.\d+$/);
  expect(majorVersion()).toBe('16');
  const offenders: string[] = [];
  for (const dir of ['core', 'lib', 'stages', 'terraform']) {
    // Every file below the folder: the placements live in stages/place/ and terraform/stages/.
    for (const file of (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(ROOT, dir, file), 'utf8');
      if (`${dir}/${file}` !== 'core/settings.ts' && (/VER_\d+_\d+/.test(text) || /['"]1[0-9]\.\d+['"]/.test(text))) offenders.push(`${dir}/${file}`);
    }
  }
  expect(offenders).toEqual([]);
});

// The runbooks quote the pinned version in commands a user copies: they must say the same.
test('the runbooks quote the pinned Aurora version, not another', () => {
  const docs = ['docs/migrations', 'docs/runbooks'].flatMap((dir) => fs.readdirSync(path.join(ROOT, dir)).map((f) => path.join(ROOT, dir, f)));
  const quoted = docs.flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/--engine-version (\d+\.\d+)|→ `(\d+\.\d+)`/g)].map((m) => m[1] ?? m[2]));
  expect(quoted.length).toBeGreaterThan(0);
  expect(new Set(quoted)).toEqual(new Set([AURORA_POSTGRES_VERSION]));
});
