/**
 * PostgreSQL through two pools: the writer, and the reader endpoint when one is configured (reads
 * that tolerate replica lag go there). Establishing a connection may take as long as an Aurora
 * Serverless v2 resume from 0 ACU; every query is then bounded by the short dependency timeout.
 */
import * as fs from 'fs';
import { Pool, PoolConfig } from 'pg';
import { DatabaseSettings } from './config';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS counters (name text PRIMARY KEY, value bigint NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS sessions (id text PRIMARY KEY, data jsonb NOT NULL, expires_at timestamptz NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);
CREATE TABLE IF NOT EXISTS jobs (id text PRIMARY KEY, kind text NOT NULL, payload jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0, done_at timestamptz);
`;
/** The tables `SCHEMA` creates: the schema is there when every one is. */
const TABLES = ['counters', 'sessions', 'jobs'];

/**
 * Statements every new writer session runs first. With Aurora PostgreSQL global write forwarding
 * a session must choose `apg_write_forward.consistency_mode` (the parameter group's default is
 * `off`, and then the secondary refuses DML); `session` lets a request read its own forwarded
 * writes. (`aurora_replica_read_consistency` is the Aurora MySQL name of the same setting.)
 */
export function writerSessionStatements(settings: Pick<DatabaseSettings, 'writeForwarding'>): string[] {
  return settings.writeForwarding ? ["SET apg_write_forward.consistency_mode = 'session'"] : [];
}

/** The pool settings of one endpoint. */
export function poolConfig(settings: DatabaseSettings, host: string, timeoutMs: number): PoolConfig {
  return {
    host,
    port: settings.port,
    database: settings.database,
    user: settings.user,
    password: settings.password,
    ssl: settings.sslMode === 'disable' ? false : {
      rejectUnauthorized: settings.sslMode === 'verify-full',
      ca: settings.sslRootCert ? fs.readFileSync(settings.sslRootCert, 'utf8') : undefined,
    },
    max: 10,
    // A resume from 0 ACU takes about 15 s; a 2 s connect timeout failed every first request.
    connectionTimeoutMillis: settings.connectTimeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    idleTimeoutMillis: 30_000,
  };
}

export class Database {
  readonly writer: Pool;
  readonly reader: Pool;

  constructor(settings: DatabaseSettings, timeoutMs: number) {
    this.writer = new Pool(poolConfig(settings, settings.host, timeoutMs));
    this.reader = settings.readerHost ? new Pool(poolConfig(settings, settings.readerHost, timeoutMs)) : this.writer;
    const statements = writerSessionStatements(settings);
    if (statements.length) {
      // Queued on the new client before the query that asked for it; a failure fails that query.
      this.writer.on('connect', (client) => {
        for (const sql of statements) client.query(sql).catch(() => undefined);
      });
    }
    // An idle client that loses its server (failover, restart) must not crash the process.
    for (const pool of new Set([this.writer, this.reader])) pool.on('error', () => undefined);
  }

  /** Creates the tables the app uses; safe to run on every start. DDL: the primary region only. */
  async migrate(): Promise<void> {
    await this.writer.query(SCHEMA);
  }

  /** Whether every table of the schema exists (created here or replicated from the primary region). */
  async schemaExists(): Promise<boolean> {
    const result = await this.reader.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM unnest($1::text[]) AS t(name) WHERE to_regclass('public.' || t.name) IS NOT NULL",
      [TABLES],
    );
    return result.rows[0].n === TABLES.length;
  }

  async ping(): Promise<void> {
    await this.writer.query('SELECT 1');
  }

  /** Adds one to a counter on the writer and returns the new value. */
  async increment(name: string): Promise<number> {
    return this.add(name, 1);
  }

  /** Adds `amount` to a counter on the writer and returns the new value. */
  async add(name: string, amount: number): Promise<number> {
    const result = await this.writer.query<{ value: string }>(
      'INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value RETURNING value',
      [name, amount],
    );
    return Number(result.rows[0].value);
  }

  /** Reads a counter from the reader. */
  async counter(name: string): Promise<number> {
    const result = await this.reader.query<{ value: string }>('SELECT value FROM counters WHERE name = $1', [name]);
    return result.rows.length ? Number(result.rows[0].value) : 0;
  }

  async close(): Promise<void> {
    await Promise.all([...new Set([this.writer, this.reader])].map((p) => p.end()));
  }
}
