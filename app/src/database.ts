/**
 * PostgreSQL through two pools: the writer, and the reader endpoint when one is configured (reads
 * that tolerate replica lag go there). Every query is bounded by the dependency timeout.
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

export class Database {
  readonly writer: Pool;
  readonly reader: Pool;

  constructor(settings: DatabaseSettings, timeoutMs: number) {
    const config = (host: string): PoolConfig => ({
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
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      statement_timeout: timeoutMs,
      idleTimeoutMillis: 30_000,
    });
    this.writer = new Pool(config(settings.host));
    this.reader = settings.readerHost ? new Pool(config(settings.readerHost)) : this.writer;
    // An idle client that loses its server (failover, restart) must not crash the process.
    for (const pool of new Set([this.writer, this.reader])) pool.on('error', () => undefined);
  }

  /** Creates the tables the app uses; safe to run on every start. */
  async migrate(): Promise<void> {
    await this.writer.query(SCHEMA);
  }

  async ping(): Promise<void> {
    await this.writer.query('SELECT 1');
  }

  /** Adds one to a counter on the writer and returns the new value. */
  async increment(name: string): Promise<number> {
    const result = await this.writer.query<{ value: string }>(
      'INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value',
      [name],
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
