/**
 * The database pools' settings and the schema preparation, without a server: what the app does
 * when Aurora resumes from 0 ACU, forwards writes (stage 5's second region), or has no schema yet.
 */
import { readSettings } from '../../app/src/config';
import { Database, poolConfig, writerSessionStatements } from '../../app/src/database';
import { prepareSchema } from '../../app/src/schema';

const settings = (env: Record<string, string> = {}) => readSettings({ PGHOST: 'db', PGDATABASE: 'app', PGUSER: 'app', ...env }).database;

describe('database pools', () => {
  // Aurora Serverless v2 at 0 ACU pauses after idle minutes and takes about 15 s to resume: a
  // 2 s connect timeout failed the first requests after every pause.
  test('wait long enough for an Aurora Serverless v2 resume to connect, while queries keep the short timeout', () => {
    const config = poolConfig(settings(), 'db', 2000);
    expect(config.connectionTimeoutMillis).toBeGreaterThanOrEqual(20_000);
    expect([config.query_timeout, config.statement_timeout]).toEqual([2000, 2000]);
    expect(poolConfig(settings({ DB_CONNECT_TIMEOUT_MS: '30000' }), 'db', 2000).connectionTimeoutMillis).toBe(30_000);
  });

  // Aurora PostgreSQL forwards a secondary's writes only for sessions that set
  // apg_write_forward.consistency_mode (default off); `session` reads its own forwarded writes.
  test('set the write-forwarding consistency on writer sessions only where the cluster forwards writes', async () => {
    expect(writerSessionStatements(settings({ DB_WRITE_FORWARDING: 'true' }))).toEqual(["SET apg_write_forward.consistency_mode = 'session'"]);
    expect(writerSessionStatements(settings())).toEqual([]);
    const forwarding = new Database(settings({ DB_WRITE_FORWARDING: 'true', PGREADERHOST: 'db-ro' }), 2000);
    const plain = new Database(settings(), 2000);
    try {
      expect([forwarding.writer.listenerCount('connect'), forwarding.reader.listenerCount('connect')]).toEqual([1, 0]);
      expect(plain.writer.listenerCount('connect')).toBe(0);
    } finally {
      await forwarding.close();
      await plain.close();
    }
  });
});

describe('prepareSchema', () => {
  // Stage 5's second region: DDL is not forwarded, so it must not migrate; before, every start
  // ran the migration against the primary's writer and crash-looped when it could not reach it.
  test('without migrate, never runs the migration and waits until the primary region\'s schema has replicated', async () => {
    const answers = [new Error('connection refused'), false, true];
    const lines: string[] = [];
    const db = {
      migrate: jest.fn(async () => undefined),
      schemaExists: jest.fn(async () => {
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return answer!;
      }),
    };
    const status = prepareSchema(db, { migrate: false, retryMs: 1, log: (l) => lines.push(l) });
    expect(status.state).not.toBe('ok');
    await status.done;
    expect(status.state).toBe('ok');
    expect(db.migrate).not.toHaveBeenCalled();
    expect(db.schemaExists).toHaveBeenCalledTimes(3);
    expect(lines).toEqual([
      'schema not ready (attempt 1, retrying every 1 ms): schema check failed: connection refused',
      'schema not ready (attempt 2, retrying every 1 ms): waiting for the primary region\'s migration to replicate',
      'schema ready after 3 attempts',
    ]);
  });

  test('with migrate, retries a failing migration instead of exiting, and reports it meanwhile', async () => {
    let failures = 2;
    const db = {
      migrate: jest.fn(async () => {
        if (failures-- > 0) throw new Error('the database system is starting up');
      }),
      schemaExists: jest.fn(async () => false),
    };
    const states: string[] = [];
    const status = prepareSchema(db, { migrate: true, retryMs: 1, log: () => states.push(status.state) });
    await status.done;
    expect(states[0]).toBe('migration failed: the database system is starting up');
    expect([status.state, db.migrate.mock.calls.length, db.schemaExists.mock.calls.length]).toEqual(['ok', 3, 0]);
  });

  test('stops waiting when the process shuts down', async () => {
    const abort = new AbortController();
    const status = prepareSchema({ migrate: async () => undefined, schemaExists: async () => false }, { migrate: false, retryMs: 1, log: () => undefined, signal: abort.signal });
    abort.abort();
    await status.done;
    expect(status.state).not.toBe('ok');
  });
});
