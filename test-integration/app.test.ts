/**
 * The reference app against a real PostgreSQL and a real Redis (scripts/services.sh): health
 * follows the database, sessions survive a restart, cache-aside hits and misses, and a job goes
 * through the queue to the worker, with retries and the dead-letter queue.
 */
import { readSettings } from '../app/src/config';
import { Database } from '../app/src/database';
import { CounterBuffer } from '../app/src/counter-buffer';
import { LocalQueue } from '../app/src/queue';
import { createServer } from '../app/src/server';
import { cacheAside, PostgresStore, ValkeyStore } from '../app/src/stores';
import { runWorker } from '../app/src/worker';
import { postgres, request, ROOT, serviceEnv, startApp } from './support';
import * as path from 'path';
import { AddressInfo } from 'net';

const env = serviceEnv();
let postgresDown = false;
const restartPostgres = () => {
  postgres('pg-start');
  postgresDown = false;
};
afterEach(() => {
  if (postgresDown) restartPostgres();
});
const { CACHE_URL, ...pgEnv } = env;

/** The status of `path` once it is `expected`, or the last one seen after `ms`. */
async function statusWithin(port: number, path: string, expected: number, ms: number): Promise<number> {
  const deadline = Date.now() + ms;
  let status = 0;
  while (status !== expected && Date.now() < deadline) {
    status = (await request(port, 'GET', path)).status;
    if (status !== expected) await new Promise((r) => setTimeout(r, 100));
  }
  return status;
}

describe('health', () => {
  test('turns 503 within the timeout when the database stops, and 200 when it returns', async () => {
    const app = await startApp({ ...pgEnv, DEPENDENCY_TIMEOUT_MS: '1000' });
    try {
      // The app listens before its schema is prepared (in the background): ready once it is.
      expect(await statusWithin(app.port, '/health', 200, 5000)).toBe(200);
      postgres('pg-stop');
      postgresDown = true;
      const started = Date.now();
      const down = await request(app.port, 'GET', '/health');
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body)).toMatchObject({ status: 'fail', database: expect.any(String) });
      expect(Date.now() - started).toBeLessThan(1500);
      restartPostgres();
      expect(await statusWithin(app.port, '/health', 200, 5000)).toBe(200);
    } finally {
      await app.stop();
    }
  });

  test('names the cache when the cache does not answer', async () => {
    const app = await startApp({ ...pgEnv, CACHE_URL: 'redis://127.0.0.1:1', DEPENDENCY_TIMEOUT_MS: '500' });
    try {
      const res = await request(app.port, 'GET', '/health');
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ status: 'fail', database: 'ok', cache: expect.any(String) });
    } finally {
      await app.stop();
    }
  });
});

// Stage 5's second region: Aurora forwards DML but not DDL, so it must not migrate; it serves
// liveness at once and reports readiness 503 until the primary region's schema has replicated.
test('with DB_MIGRATE=false, creates no table, answers liveness, and turns ready once the schema appears', async () => {
  const admin = new Database(readSettings(pgEnv).database, 2000);
  await admin.writer.query('DROP DATABASE IF EXISTS second_region');
  await admin.writer.query('CREATE DATABASE second_region');
  const app = await startApp({ ...pgEnv, PGDATABASE: 'second_region', DB_MIGRATE: 'false' });
  const second = new Database(readSettings({ ...pgEnv, PGDATABASE: 'second_region' }).database, 2000);
  try {
    expect((await request(app.port, 'GET', '/health/live')).status).toBe(200);
    const waiting = await request(app.port, 'GET', '/health');
    expect(waiting.status).toBe(503);
    expect(JSON.parse(waiting.body)).toMatchObject({ database: 'ok', schema: expect.stringMatching(/^waiting for the primary region/) });
    expect(await second.schemaExists()).toBe(false);
    await second.migrate();
    let status = 0;
    for (let i = 0; i < 80 && status !== 200; i++) {
      status = (await request(app.port, 'GET', '/health')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  } finally {
    await app.stop();
    await second.close();
    await admin.close();
  }
});

// Stage 5: reads must survive the loss of the writer. With sessions in Valkey (stage 4 on), GET /
// touches the database only to read counters, so it still renders with the database stopped.
test('GET / renders 200 while PostgreSQL is down (sessions in Valkey, page views counted in memory)', async () => {
  const app = await startApp({ ...env, DEPENDENCY_TIMEOUT_MS: '500', DB_CONNECT_TIMEOUT_MS: '1000' });
  try {
    expect((await request(app.port, 'GET', '/')).status).toBe(200);
    postgres('pg-stop');
    postgresDown = true;
    const page = await request(app.port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/Your visits<\/dt><dd>1</);
    expect((await request(app.port, 'GET', '/health/live')).status).toBe(200);
    expect((await request(app.port, 'GET', '/health')).status).toBe(503);
  } finally {
    await app.stop();
  }
});

describe.each([
  ['PostgreSQL (stages 1-3)', pgEnv],
  ['Valkey (stage 4 on)', env],
])('sessions in %s', (_, settings) => {
  test('survive a restart of the app process', async () => {
    let app = await startApp(settings);
    const first = await request(app.port, 'GET', '/');
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    expect(first.body).toMatch(/Your visits<\/dt><dd>1</);
    await app.stop();
    app = await startApp(settings);
    try {
      const second = await request(app.port, 'GET', '/', { cookie });
      expect(second.body).toMatch(/Your visits<\/dt><dd>2</);
    } finally {
      await app.stop();
    }
  });
});

test('a startup with a malformed setting stops with one line', async () => {
  await expect(startApp({ ...pgEnv, PGSSLMODE: 'sometimes' })).rejects.toThrow(/invalid setting PGSSLMODE="sometimes"/);
});

describe('in process', () => {
  let db: Database;
  let cache: ValkeyStore;
  beforeAll(() => {
    const settings = readSettings({ ...env, DEPENDENCY_TIMEOUT_MS: '2000' });
    db = new Database(settings.database, settings.dependencyTimeoutMs);
    cache = new ValkeyStore(CACHE_URL, 2000);
    return db.migrate();
  });
  afterAll(async () => {
    await db.close();
    await cache.close();
  });

  // A new instance takes requests as soon as it listens, while its cache client still connects:
  // the first command waits for the connection (bounded by the timeout) instead of failing.
  test('a store just created answers its first command once connected', async () => {
    const fresh = new ValkeyStore(CACHE_URL, 2000);
    try {
      await fresh.set('test:fresh', 'yes', 5);
      expect(await fresh.get('test:fresh')).toBe('yes');
    } finally {
      await fresh.close();
    }
  });

  // A cache that does not answer fails the call within the timeout, and queues nothing to run later.
  test('a store whose cache does not answer rejects within the timeout and keeps no command', async () => {
    const absent = new ValkeyStore('redis://127.0.0.1:1', 300);
    try {
      const started = Date.now();
      await expect(absent.set('test:absent', 'late', 5)).rejects.toThrow(/timed out/);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(absent.client.offlineQueue.length).toBe(0);
    } finally {
      await absent.close();
    }
  });

  test('a connected store fails at once while its cache reconnects, queueing nothing', async () => {
    const store = new ValkeyStore(CACHE_URL, 2000);
    try {
      await store.set('test:connected', 'yes', 5);
      store.client.disconnect(true);
      const started = Date.now();
      await expect(store.get('test:connected')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(200);
      expect(store.client.offlineQueue.length).toBe(0);
    } finally {
      await store.close();
    }
  });

  test('cache-aside misses, then hits until the entry expires', async () => {
    const key = `test:${Date.now()}`;
    let loads = 0;
    const load = async () => ++loads;
    expect(await cacheAside(cache, key, 1, load)).toEqual({ value: 1, hit: false });
    expect(await cacheAside(cache, key, 1, load)).toEqual({ value: 1, hit: true });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await cacheAside(cache, key, 1, load)).toEqual({ value: 2, hit: false });
  });

  test('a job goes through the queue to the worker; a failing one is retried, then dead-lettered', async () => {
    const queue = new LocalQueue({ visibilityTimeoutMs: 100, maxReceiveCount: 3 });
    const server = createServer({
      stage: 'test', instanceId: 'local', db, pageViews: new CounterBuffer(db, 'page_views'), sessions: new PostgresStore(db), queue, timeoutMs: 2000,
      staticDir: path.join(ROOT, 'app', 'static'),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const before = await db.counter('jobs_done');
    const abort = new AbortController();
    const lines: string[] = [];
    const worker = runWorker(queue, db, { waitSeconds: 0.2, signal: abort.signal, log: (l) => lines.push(l) });
    try {
      const ok = await request(port, 'POST', '/jobs', { body: JSON.stringify({ kind: 'record', payload: { to: 'a@example.com' } }) });
      expect(ok.status).toBe(202);
      const bad = await request(port, 'POST', '/jobs', { body: JSON.stringify({ kind: 'fail' }) });
      expect(bad.status).toBe(202);
      for (let i = 0; i < 100 && (queue.depth > 0 || queue.deadLetters.length === 0); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await db.counter('jobs_done')).toBe(before + 1);
      expect(queue.deadLetters.map((j) => j.kind)).toEqual(['fail']);
      expect(lines.filter((l) => l.includes('(fail) failed'))).toHaveLength(3);
    } finally {
      abort.abort();
      await worker;
      await new Promise((r) => server.close(r));
    }
  });
});
