import { readSettings } from '../../app/src/config';

const base = { PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'app' };

describe('readSettings', () => {
  test('reads the database, cache and queue settings the boot script writes', () => {
    const settings = readSettings({
      ...base, PGPORT: '5433', PGPASSWORD: 'secret', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/pki/rds/global-bundle.pem',
      PGREADERHOST: 'db-ro', APP_PORT: '80', STAGE: '3 load-balanced', CACHE_URL: 'rediss://:token@cache:6380',
      QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs',
    });
    expect(settings).toEqual({
      port: 80,
      stage: '3 load-balanced',
      database: {
        host: 'db', port: 5433, database: 'app', user: 'app', password: 'secret', sslMode: 'verify-full',
        sslRootCert: '/etc/pki/rds/global-bundle.pem', readerHost: 'db-ro', migrate: true, writeForwarding: false, connectTimeoutMs: 20000,
      },
      cacheUrl: 'rediss://:token@cache:6380',
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs',
      dependencyTimeoutMs: 2000,
    });
  });

  test('defaults what is optional', () => {
    expect(readSettings(base)).toMatchObject({ port: 8080, stage: 'unknown', cacheUrl: undefined, queueUrl: undefined,
      database: { port: 5432, sslMode: 'disable', readerHost: undefined, migrate: true, writeForwarding: false } });
  });

  // Stage 5's second region: Aurora global write forwarding forwards DML only, so the schema is
  // migrated in the primary region and the secondary's writer sessions forward writes.
  test('reads the second region\'s database settings: no migration, write forwarding', () => {
    expect(readSettings({ ...base, DB_MIGRATE: 'false', DB_WRITE_FORWARDING: 'true' }).database).toMatchObject({ migrate: false, writeForwarding: true });
  });

  test.each([
    [{ PGHOST: '' }, 'missing setting PGHOST: expected a non-empty value'],
    [{ PGDATABASE: undefined }, 'missing setting PGDATABASE: expected a non-empty value'],
    [{ APP_PORT: '80a' }, 'invalid setting APP_PORT="80a": expected an integer from 1 to 65535'],
    [{ PGSSLMODE: 'prefer' }, 'invalid setting PGSSLMODE="prefer": expected disable, require or verify-full'],
    [{ PGSSLMODE: 'verify-full' }, 'missing setting PGSSLROOTCERT: expected the CA bundle path for verify-full'],
    [{ CACHE_URL: 'memcached://x' }, 'invalid setting CACHE_URL="memcached://x": expected a redis:// or rediss:// URL'],
    [{ QUEUE_URL: 'https://example.com/q' }, 'invalid setting QUEUE_URL="https://example.com/q": expected an SQS queue URL or local:'],
    [{ DEPENDENCY_TIMEOUT_MS: '50' }, 'invalid setting DEPENDENCY_TIMEOUT_MS="50": expected an integer from 100 to 30000'],
    [{ DB_MIGRATE: 'no' }, 'invalid setting DB_MIGRATE="no": expected true or false'],
    [{ DB_WRITE_FORWARDING: '1' }, 'invalid setting DB_WRITE_FORWARDING="1": expected true or false'],
    [{ DB_CONNECT_TIMEOUT_MS: '500' }, 'invalid setting DB_CONNECT_TIMEOUT_MS="500": expected an integer from 1000 to 60000'],
  ])('stops on %j with one line', (override, message) => {
    expect(() => readSettings({ ...base, ...override })).toThrow(message);
  });
});
