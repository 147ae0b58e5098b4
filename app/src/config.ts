/**
 * The app's configuration, from the environment the boot script writes (SSM parameters and
 * Secrets Manager). A missing or malformed setting stops startup with one line naming it.
 */
export class SettingError extends Error {
  constructor(name: string, value: string | undefined, accepted: string) {
    super(value === undefined ? `missing setting ${name}: expected ${accepted}` : `invalid setting ${name}=${JSON.stringify(value)}: expected ${accepted}`);
    this.name = 'SettingError';
  }
}

export interface DatabaseSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  /** `verify-full` with a CA bundle in AWS; `disable` for a local socket or loopback. */
  readonly sslMode: 'disable' | 'require' | 'verify-full';
  readonly sslRootCert?: string;
  /** Read-only endpoint; reads go to the writer when unset. */
  readonly readerHost?: string;
  /**
   * Whether this instance creates the schema at start (`DB_MIGRATE`, default true). False in the
   * second region of stage 5: DDL is not forwarded by Aurora global write forwarding, so the
   * primary region migrates and this one waits until the schema has replicated.
   */
  readonly migrate: boolean;
  /**
   * The writer pool talks to a secondary cluster of an Aurora global database that forwards DML to
   * the primary (`DB_WRITE_FORWARDING`, default false): each session sets
   * `apg_write_forward.consistency_mode`, without which Aurora PostgreSQL does not forward writes.
   */
  readonly writeForwarding: boolean;
  /**
   * Time to establish a connection (`DB_CONNECT_TIMEOUT_MS`, default 20 s): long enough for Aurora
   * Serverless v2 to resume from 0 ACU (about 15 s). Queries keep the short dependency timeout.
   */
  readonly connectTimeoutMs: number;
}

export interface AppSettings {
  readonly port: number;
  readonly stage: string;
  readonly database: DatabaseSettings;
  /** `redis://` or `rediss://` URL of Valkey (stage 4 on): sessions and cache move there. */
  readonly cacheUrl?: string;
  /** SQS queue URL (stage 4 on), or `local:` for the in-process stand-in. */
  readonly queueUrl?: string;
  /** Timeout of every call to the database, cache or queue. */
  readonly dependencyTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

export function readSettings(env: Env): AppSettings {
  const required = (name: string) => {
    const value = env[name];
    if (value === undefined || value === '') throw new SettingError(name, undefined, 'a non-empty value');
    return value;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new SettingError(name, value, `an integer from ${min} to ${max}`);
    return n;
  };
  const flag = (name: string, fallback: boolean) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (value !== 'true' && value !== 'false') throw new SettingError(name, value, 'true or false');
    return value === 'true';
  };
  const sslMode = env.PGSSLMODE ?? 'disable';
  if (!['disable', 'require', 'verify-full'].includes(sslMode)) {
    throw new SettingError('PGSSLMODE', sslMode, 'disable, require or verify-full');
  }
  if (sslMode === 'verify-full' && !env.PGSSLROOTCERT) throw new SettingError('PGSSLROOTCERT', undefined, 'the CA bundle path for verify-full');
  const cacheUrl = env.CACHE_URL || undefined;
  if (cacheUrl && !/^rediss?:\/\/[^\s]+$/.test(cacheUrl)) throw new SettingError('CACHE_URL', cacheUrl, 'a redis:// or rediss:// URL');
  const queueUrl = env.QUEUE_URL || undefined;
  if (queueUrl && !/^(https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/\d{12}\/[\w-]+(\.fifo)?|local:)$/.test(queueUrl)) {
    throw new SettingError('QUEUE_URL', queueUrl, 'an SQS queue URL or local:');
  }
  return {
    port: integer('APP_PORT', 8080, 1, 65535),
    stage: env.STAGE || 'unknown',
    database: {
      host: required('PGHOST'),
      port: integer('PGPORT', 5432, 1, 65535),
      database: required('PGDATABASE'),
      user: required('PGUSER'),
      password: env.PGPASSWORD ?? '',
      sslMode: sslMode as DatabaseSettings['sslMode'],
      sslRootCert: env.PGSSLROOTCERT || undefined,
      readerHost: env.PGREADERHOST || undefined,
      migrate: flag('DB_MIGRATE', true),
      writeForwarding: flag('DB_WRITE_FORWARDING', false),
      connectTimeoutMs: integer('DB_CONNECT_TIMEOUT_MS', 20000, 1000, 60000),
    },
    cacheUrl,
    queueUrl,
    dependencyTimeoutMs: integer('DEPENDENCY_TIMEOUT_MS', 2000, 100, 30000),
  };
}
