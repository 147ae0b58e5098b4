/**
 * The instance boot script, as a file of its own: valid shell, refuses missing settings, and its
 * functions survive the failures AWS produces (empty answers, retries, resumes, reboots).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bootScriptLines } from '../../lib/boot/boot-script';

const SCRIPT = path.join(__dirname, '..', '..', 'lib', 'boot', 'instance-boot.sh');

test('is valid bash', () => {
  expect(spawnSync('bash', ['-n', SCRIPT]).status).toBe(0);
});

const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
(shellcheck ? test : test.skip)('passes shellcheck', () => {
  const result = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
});

test.each([
  [{}, 'missing setting STAGE'],
  [{ STAGE: '1', AWS_REGION: 'us-east-1', APP_PORT: '80', APP_PACKAGE_URL: 's3://b/k', APP_START: 'node server.js', LOG_GROUP_APP: 'a', LOG_GROUP_SYSTEM: 's', DB_MODE: 'local' }, 'missing setting DATA_VOLUME_ID'],
  [{ STAGE: '1', AWS_REGION: 'us-east-1', APP_PORT: '80', APP_PACKAGE_URL: 's3://b/k', APP_START: 'node server.js', LOG_GROUP_APP: 'a', LOG_GROUP_SYSTEM: 's', DB_MODE: 'sqlite' }, 'invalid setting DB_MODE=sqlite (local or managed)'],
])('stops before changing anything when a setting is missing or wrong: %j', (env, message) => {
  const result = spawnSync('bash', [SCRIPT], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr.trim()).toBe(`growth-stages boot: ${message}`);
});

/**
 * The script's functions, sourced (BOOT_FUNCTIONS_ONLY=1) with every system command they call
 * replaced by a shim in a temporary directory. Each shim appends its arguments to calls.log.
 */
describe('boot functions', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-boot-'));
    for (const sub of ['bin', 'etc', 'data', 'dev', 'systemd', 'ca']) fs.mkdirSync(path.join(dir, sub));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A shim: records its call, then runs `body` (bash) with $n the number of earlier calls of this command. */
  const shim = (name: string, body = 'exit 0') => fs.writeFileSync(path.join(dir, 'bin', name),
    `#!/bin/bash\necho "${name} $*" >> ${dir}/calls.log\nn=$(grep -c "^${name} " ${dir}/calls.log); n=$((n - 1))\n${body}\n`, { mode: 0o755 });
  const calls = () => (fs.existsSync(path.join(dir, 'calls.log')) ? fs.readFileSync(path.join(dir, 'calls.log'), 'utf8') : '');
  const run = (commands: string, env: Record<string, string> = {}) => spawnSync('bash', ['-c', `BOOT_FUNCTIONS_ONLY=1 . ${SCRIPT}; ${commands}`], {
    encoding: 'utf8',
    timeout: 20000,
    env: {
      PATH: `${dir}/bin:${process.env.PATH}`, HOME: dir,
      AWS_REGION: 'eu-west-1', APP_PORT: '8080', STAGE: '1 single-box', HEALTH_CHECK: 'http',
      GROWTH_STAGES_ETC: path.join(dir, 'etc'), DATA_MOUNT: path.join(dir, 'data'), DATA_VOLUME_ID: VOLUME,
      EBS_DEVICE_DIR: path.join(dir, 'dev'), FSTAB: path.join(dir, 'fstab'), SYSTEMD_DIR: path.join(dir, 'systemd'),
      RDS_CA_DIR: path.join(dir, 'ca'),
      ...env,
    },
  });
  const VOLUME = 'vol-0123456789abcdef0';
  beforeEach(() => {
    shim('sleep');
    shim('systemctl');
    shim('chown');
    // runuser -u <user> -- <command...>: the command as is.
    fs.writeFileSync(path.join(dir, 'bin', 'runuser'), '#!/bin/bash\nshift 3\nexec "$@"\n', { mode: 0o755 });
  });

  /** The shims attach_data_volume needs: IMDS says i-self; `describe` answers describe-volumes by call number. */
  const volumeShims = (describe: string) => {
    shim('curl', 'case "$*" in *api/token*) echo token ;; *instance-id*) echo i-self ;; *) exit 22 ;; esac');
    shim('aws', `case "$2" in describe-volumes) ${describe} ;; describe-tags) echo BoxInstance0123 ;; attach-volume) touch ${dir}/dev/nvme-Amazon_Elastic_Block_Store_vol0123456789abcdef0 ;; esac`);
    shim('blkid', 'if [ "$1" = -s ]; then echo 0b7e-uuid; fi');
    shim('mkfs.xfs');
    shim('mountpoint', 'exit 1');
    shim('mount');
  };

  // The bug of issue 11 item 7: `read ... < <(aws ec2 describe-volumes ...)` under `set -e`
  // ended the boot (and, with no creation signal, CloudFormation reported success) when the call
  // printed nothing: throttling, a network blip, or an API error.
  test.each([
    ['prints nothing', 'if [ "$n" = 0 ]; then exit 0; fi'],
    ['fails (API error, throttling)', 'if [ "$n" = 0 ]; then echo "An error occurred (RequestLimitExceeded)" >&2; exit 255; fi'],
  ])('attach_data_volume asks again when describe-volumes %s, then attaches and mounts', (_, first) => {
    volumeShims(`${first}; if [ "$n" = 1 ]; then printf 'available\\tNone\\n'; else printf 'in-use\\ti-self\\n'; fi`);
    const result = run('attach_data_volume');
    expect(result.status).toBe(0);
    expect(result.stderr).not.toContain('FAILED');
    expect(result.stdout).toContain(`could not describe data volume ${VOLUME}; asking again`);
    expect(calls()).toContain(`aws ec2 attach-volume --region eu-west-1 --volume-id ${VOLUME} --instance-id i-self --device /dev/sdf`);
    expect(calls()).toContain(`mount ${dir}/data`);
    expect(fs.readFileSync(path.join(dir, 'fstab'), 'utf8')).toBe(`UUID=0b7e-uuid ${dir}/data xfs defaults,nofail 0 2\n`);
  });

  // The single box's CreationPolicy: the replacement box can have the volume only after
  // CloudFormation's cleanup terminates the old one, which waits for this signal; waiting for the
  // app before signalling would deadlock until the timeout and roll back.
  test('attach_data_volume signals CloudFormation success once while the old box still holds the volume', () => {
    volumeShims('if [ "$n" -lt 2 ]; then printf \'in-use\\ti-old\\n\'; elif [ "$n" = 2 ]; then printf \'available\\tNone\\n\'; else printf \'in-use\\ti-self\\n\'; fi');
    shim('cfn-signal');
    // The logical ID comes from the instance's aws:cloudformation:logical-id tag.
    const result = run('attach_data_volume', { CFN_SIGNAL_STACK: 'app-compute' });
    expect(result.status).toBe(0);
    const signals = calls().split('\n').filter((l) => l.startsWith('cfn-signal '));
    expect(signals).toEqual([
      `cfn-signal -e 0 --reason waiting for data volume ${VOLUME}, held by i-old until the stack update's cleanup --stack app-compute --resource BoxInstance0123 --region eu-west-1`,
    ]);
  });

  test('a signal CloudFormation did not receive is sent again by the next call (the exit trap)', () => {
    shim('curl', 'case "$*" in *api/token*) echo token ;; *instance-id*) echo i-self ;; *) exit 22 ;; esac');
    shim('aws', 'echo BoxInstance0123');
    shim('cfn-signal', 'if [ "$n" -lt 5 ]; then exit 1; fi');
    const result = run('signal_cloudformation 0 first; signal_cloudformation 1 second; signal_cloudformation 1 third', { CFN_SIGNAL_STACK: 'app-compute' });
    expect(result.status).toBe(0);
    const signals = calls().split('\n').filter((l) => l.startsWith('cfn-signal '));
    expect(signals).toHaveLength(6);
    expect(signals[5]).toContain('-e 1 --reason second');
  });

  test('a failing command is named in the boot log instead of ending the boot silently', () => {
    const result = run('false');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^growth-stages boot \[.*\] FAILED \(exit 1\) at line 1: false$/m);
  });

  // Issue 11 item 11: after a reboot the data volume (mounted nofail) can come after PostgreSQL,
  // which then started on the root volume's empty directory. systemd's RequiresMountsFor= adds
  // Requires= and After= on the mount: PostgreSQL waits for it, and does not start without it.
  test('start_local_postgres makes PostgreSQL require the data volume\'s mount', () => {
    fs.mkdirSync(path.join(dir, 'data', 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'data', 'PG_VERSION'), '15\n');
    const result = run('start_local_postgres');
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(dir, 'systemd', 'postgresql.service.d', 'data.conf'), 'utf8'))
      .toBe(`[Unit]\nRequiresMountsFor=${dir}/data\n\n[Service]\nEnvironment=PGDATA=${dir}/data/data\n`);
    expect(calls()).toMatch(/systemctl daemon-reload\nsystemctl enable --now postgresql\n/);
  });

  // A PostgreSQL that does not answer yet is not "no such role": the old pipeline
  // `psql ... | grep -q 1 || CREATE ROLE` tried to create an existing role and ended the boot.
  test('write_local_settings asks again when PostgreSQL does not answer, and creates nothing that exists', () => {
    fs.writeFileSync(path.join(dir, 'data', 'app-password'), 'secret\n');
    shim('psql', 'if [ "$n" = 0 ]; then echo "psql: error: connection refused" >&2; exit 2; fi; case "$*" in *"SELECT 1 FROM"*) echo 1 ;; esac');
    shim('createdb');
    const result = run('write_local_settings');
    expect(result.status).toBe(0);
    expect(calls()).not.toMatch(/CREATE ROLE|createdb/);
    expect(fs.readFileSync(path.join(dir, 'etc', 'app.env'), 'utf8')).toContain("PGPASSWORD='secret'");
  });

  const secret = JSON.stringify({ host: 'primary.cluster-x.eu-west-1.rds.amazonaws.com', port: 5432, dbname: 'app', username: 'app', password: 'pw' });
  const managedShims = (secretString: string) => {
    shim('curl', 'while [ $# -gt 0 ]; do if [ "$1" = -o ]; then echo pem > "$2"; fi; shift; done');
    shim('aws', `case "$2" in get-secret-value) echo '${secretString}' ;; *) exit 1 ;; esac`);
  };

  // Issue 11 item 1: the second region reads and writes through its own cluster (Aurora global
  // write forwarding), never the global writer endpoint looked up with describe-global-clusters.
  test('write_managed_settings connects to DB_HOST, passes DB_MIGRATE and DB_WRITE_FORWARDING, and looks up no global writer', () => {
    managedShims(secret);
    const result = run('write_managed_settings', {
      DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf', DB_HOST: 'second.cluster-ro-y.eu-central-1.rds.amazonaws.com',
      DB_READER_HOST: 'second.cluster-ro-y.eu-central-1.rds.amazonaws.com', DB_MIGRATE: 'false', DB_WRITE_FORWARDING: 'true', DB_GLOBAL_CLUSTER: 'app-global',
    });
    expect([result.status, result.stderr]).toEqual([0, '']);
    expect(fs.readFileSync(path.join(dir, 'etc', 'app.env'), 'utf8')).toBe([
      "PGHOST='second.cluster-ro-y.eu-central-1.rds.amazonaws.com'", "PGPORT='5432'", "PGDATABASE='app'", "PGUSER='app'", "PGPASSWORD='pw'",
      "PGSSLMODE='verify-full'", `PGSSLROOTCERT='${dir}/ca/global-bundle.pem'`, "PGREADERHOST='second.cluster-ro-y.eu-central-1.rds.amazonaws.com'",
      "DB_MIGRATE='false'", "DB_WRITE_FORWARDING='true'", "APP_PORT='8080'", "STAGE='1 single-box'", '',
    ].join('\n'));
    expect(calls()).not.toContain('describe-global-clusters');
  });

  test('write_managed_settings stops, naming the key, when the secret lacks one (instead of writing PGPORT=null)', () => {
    managedShims(JSON.stringify({ host: 'h', dbname: 'app', username: 'app', password: 'pw' }));
    const result = run('write_managed_settings', { DB_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('growth-stages boot: the database secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf has no port');
    expect(fs.existsSync(path.join(dir, 'etc', 'app.env'))).toBe(false);
  });

  // The 1 -> 2 copy on a replacement box: Aurora resuming from 0 ACU failed the marker check once,
  // which read as "not copied", and the box refused to start ("tables but no copy marker").
  test('copy_local_database_to_managed asks Aurora again instead of reading a failed marker check as "not copied"', () => {
    fs.writeFileSync(path.join(dir, 'etc', 'app.env'), "PGHOST='aurora'\n");
    shim('psql', 'if [ "$n" = 0 ]; then echo "psql: error: timeout expired" >&2; exit 2; fi; case "$*" in *to_regclass*|*"count(*) > 0"*) echo t ;; *information_schema*) echo 3 ;; esac');
    const result = run('copy_local_database_to_managed');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('the stage-1 database was already copied into Aurora');
    expect(calls()).toContain('systemctl disable --now postgresql');
  });

  const healthShims = (readiness: 'ok' | 'fail') => shim('curl', `case "$*" in
    *"/health/live"*) echo '{"status":"ok"}' ;;
    *"/health"*) if [ ${readiness} = ok ]; then echo '{"status":"ok","database":"ok"}'; else echo '{"status":"fail","database":"database timed out after 2000 ms"}'; case "$*" in *-f*) exit 22 ;; esac; fi ;;
  esac`);

  // Issue 11 item 9: an Auto Scaling instance waits for liveness only, so a database failover
  // during a scale-out no longer fails the group's signal; it logs readiness.
  test('wait_until_healthy: an Auto Scaling instance succeeds on liveness and logs readiness', () => {
    healthShims('fail');
    const result = run('wait_until_healthy', { DATA_VOLUME_ID: '' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('app readiness: {"status":"fail","database":"database timed out after 2000 ms"}');
    expect(calls()).toContain('curl -fsS --max-time 5 -o /dev/null http://127.0.0.1:8080/health/live');
  });

  test('wait_until_healthy: the single box (and the 1 -> 2 copy) still waits until the app is ready, database included', () => {
    healthShims('fail');
    const failed = run('wait_until_healthy');
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('app NOT ready after 180 s: {"status":"fail"');
    healthShims('ok');
    const ready = run('wait_until_healthy');
    expect(ready.status).toBe(0);
    expect(ready.stdout).toContain('app ready on port 8080');
  });
});

describe('bootScriptLines', () => {
  const base = { stageLabel: '5 multi-region', region: 'eu-central-1', port: 8080, packageUrl: 's3://b/k', startCommand: 'node server.js', appLogGroup: 'a', systemLogGroup: 's' };
  const exports = (lines: string[]) => lines.filter((l) => l.startsWith('export '));

  test('passes the second region\'s own cluster, no migration and write forwarding; no global-cluster lookup', () => {
    const lines = bootScriptLines({ ...base, database: { secretArn: 'arn:s', host: 'second-ro', readerHost: 'second-ro', migrate: false, writeForwarding: true } });
    expect(exports(lines)).toEqual([
      "export STAGE='5 multi-region'", "export AWS_REGION='eu-central-1'", "export APP_PORT='8080'", "export APP_PACKAGE_URL='s3://b/k'",
      "export APP_START='node server.js'", "export LOG_GROUP_APP='a'", "export LOG_GROUP_SYSTEM='s'", "export DB_MODE='managed'",
      "export DB_SECRET_ARN='arn:s'", "export DB_HOST='second-ro'", "export DB_READER_HOST='second-ro'", "export DB_MIGRATE='false'",
      "export DB_WRITE_FORWARDING='true'",
    ]);
  });

  test('leaves the defaults out, so the primary region\'s user data does not change', () => {
    expect(exports(bootScriptLines({ ...base, database: { secretArn: 'arn:s', migrate: true, writeForwarding: false } })).join('\n')).not.toMatch(/DB_MIGRATE|DB_WRITE_FORWARDING|DB_HOST/);
  });

  test('names the resource the single box signals', () => {
    expect(exports(bootScriptLines({ ...base, dataVolumeId: 'vol-1', cloudFormationSignal: { stackName: 'app-compute' } })))
      .toEqual(expect.arrayContaining(["export CFN_SIGNAL_STACK='app-compute'"]));
  });
});
