/**
 * The stage 1 -> 2 copy of the boot script (copy_local_database_to_managed) against real
 * PostgreSQL databases: the "local" one of the box and a stand-in for Aurora on the same server.
 * runuser and systemctl are replaced by shims; everything else is the real script and real psql.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT, serviceEnv } from './support';

const SCRIPT = path.join(ROOT, 'lib', 'boot', 'instance-boot.sh');
const env = serviceEnv();
const psql = (db: string, sql: string) => execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-h', env.PGHOST, '-p', env.PGPORT, '-U', env.PGUSER, '-d', db, '-c', sql], { encoding: 'utf8' }).trim();

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-copy-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.mkdirSync(path.join(dir, 'etc'));
  fs.mkdirSync(path.join(dir, 'data'));
  // runuser -u <user> -- <command...>: run the command as is.
  fs.writeFileSync(path.join(dir, 'bin', 'runuser'), '#!/bin/bash\nshift 3\nexec "$@"\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'bin', 'systemctl'), `#!/bin/bash\necho "$*" >> ${dir}/systemctl.log\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'bin', 'chown'), '#!/bin/bash\nexit 0\n', { mode: 0o755 });
  // The managed side has its own admin role, like Aurora's app_admin: were the copy to dump with
  // the managed settings, it would dump as this role, which may not read the box's tables.
  for (const db of ['aurora', 'aurora_used']) psql('app', `DROP DATABASE IF EXISTS ${db}`);
  psql('app', 'DROP ROLE IF EXISTS aurora_admin');
  psql('app', 'CREATE ROLE aurora_admin LOGIN');
  for (const db of ['aurora', 'aurora_used']) psql('app', `CREATE DATABASE ${db} OWNER aurora_admin`);
  // The box's database is `app`, as on a stage-1 box.
  psql('app', "DROP TABLE IF EXISTS orders; CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders VALUES (1, 'a'), (2, 'b'), (3, 'committed last')");
  execFileSync('psql', ['-X', '-q', '-h', env.PGHOST, '-p', env.PGPORT, '-U', 'aurora_admin', '-d', 'aurora_used', '-c', 'CREATE TABLE other (id int)']);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the copy function with the managed settings pointing at `target`. */
function copy(target: string) {
  fs.writeFileSync(path.join(dir, 'etc', 'app.env'),
    `PGHOST='${env.PGHOST}'\nPGPORT='${env.PGPORT}'\nPGDATABASE='${target}'\nPGUSER='aurora_admin'\nPGSSLMODE='disable'\n`);
  return spawnSync('bash', ['-c', `BOOT_FUNCTIONS_ONLY=1 . ${SCRIPT}; copy_local_database_to_managed`], {
    encoding: 'utf8',
    env: {
      PATH: `${dir}/bin:${process.env.PATH}`,
      HOME: dir,
      GROWTH_STAGES_ETC: path.join(dir, 'etc'),
      DATA_MOUNT: path.join(dir, 'data'),
      DATA_VOLUME_ID: 'vol-0123456789abcdef0',
      // The box's own server, reached the way the script reaches it: explicit host, port, user.
      LOCAL_PG_SOCKET: env.PGHOST, LOCAL_PG_PORT: env.PGPORT, LOCAL_PG_USER: env.PGUSER,
    },
  });
}

test('copies every committed row of the box\'s database into the managed one, with a marker', () => {
  const result = copy('aurora');
  expect([result.status, result.stderr]).toEqual([0, '']);
  expect(psql('aurora', 'SELECT count(*) FROM orders')).toBe('3');
  expect(psql('aurora', "SELECT note FROM orders WHERE id = 3")).toBe('committed last');
  expect(psql('aurora', 'SELECT source FROM growth_stages.migration')).toBe('vol-0123456789abcdef0');
  expect(result.stdout).toMatch(/copy done: \d+ bytes/);
  expect(fs.readFileSync(path.join(dir, 'systemctl.log'), 'utf8')).toContain('disable --now postgresql');
});

test('copies once: a second boot finds the marker and leaves the data alone', () => {
  psql('aurora', "INSERT INTO orders VALUES (4, 'written on Aurora after the cutover')");
  const result = copy('aurora');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('the stage-1 database was already copied into Aurora');
  expect(psql('aurora', 'SELECT count(*) FROM orders')).toBe('4');
  expect(psql('aurora', 'SELECT count(*) FROM growth_stages.migration')).toBe('1');
});

test('refuses to copy into a database that holds tables but no marker', () => {
  const result = copy('aurora_used');
  expect(result.status).toBe(1);
  expect(result.stdout).toContain('Aurora already holds 1 tables but no copy marker: refusing to overwrite');
  expect(psql('aurora_used', "SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'")).toBe('0');
});
