/**
 * The app's HTTP behaviour with in-memory dependencies: pages, assets, health within its timeout,
 * jobs, and 4xx (never a crash) for malformed requests.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { LocalQueue } from '../../app/src/queue';
import { AppDependencies, createServer } from '../../app/src/server';
import { KeyValueStore } from '../../app/src/stores';

class MemoryStore implements KeyValueStore {
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key);
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
}

function fakeDb(ping: () => Promise<void> = async () => undefined) {
  const counters = new Map<string, number>();
  return {
    ping,
    increment: async (name: string) => {
      counters.set(name, (counters.get(name) ?? 0) + 1);
      return counters.get(name)!;
    },
    counter: async (name: string) => counters.get(name) ?? 0,
  };
}

async function serve(overrides: Partial<AppDependencies> = {}) {
  const server = createServer({
    stage: '2 split-db', instanceId: 'i-0123', db: fakeDb(), sessions: new MemoryStore(), timeoutMs: 200,
    staticDir: path.join(__dirname, '..', '..', 'app', 'static'), ...overrides,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const call = (method: string, urlPath: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers, agent: false }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  return { call, close: () => new Promise((r) => server.close(r)) };
}

describe('the reference app', () => {
  test('shows the stage, the instance and the counters, and keeps a session', async () => {
    const app = await serve();
    try {
      const first = await app.call('GET', '/');
      expect(first.status).toBe(200);
      expect(first.body).toContain('<dd>2 split-db</dd>');
      expect(first.body).toContain('<dd>i-0123</dd>');
      expect(first.body).toMatch(/Your visits<\/dt><dd>1</);
      const cookie = String(first.headers['set-cookie']).split(';')[0];
      expect(String(first.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Lax/);
      const second = await app.call('GET', '/', undefined, { cookie });
      expect(second.body).toMatch(/Your visits<\/dt><dd>2</);
      expect(second.body).toMatch(/Page views<\/dt><dd>2</);
    } finally {
      await app.close();
    }
  });

  test('serves static files under content-hashed names with a year of caching', async () => {
    const app = await serve();
    try {
      const page = await app.call('GET', '/');
      const href = /href="(\/static\/app\.[0-9a-f]{12}\.css)"/.exec(page.body)![1];
      const css = await app.call('GET', href);
      expect(css.status).toBe(200);
      expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect((await app.call('GET', '/static/app.css')).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  test('reports health 200 when the database answers and 503 naming it, within the timeout, when it hangs', async () => {
    const healthy = await serve();
    const hanging = await serve({ db: fakeDb(() => new Promise(() => undefined)) });
    try {
      const ok = await healthy.call('GET', '/health');
      expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { status: 'ok', database: 'ok' }]);
      const started = Date.now();
      const down = await hanging.call('GET', '/health');
      expect(down.status).toBe(503);
      expect(JSON.parse(down.body)).toEqual({ status: 'fail', database: 'database timed out after 200 ms' });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await healthy.close();
      await hanging.close();
    }
  });

  test('queues a job and refuses malformed ones with 4xx', async () => {
    const queue = new LocalQueue();
    const app = await serve({ queue });
    try {
      const accepted = await app.call('POST', '/jobs', JSON.stringify({ kind: 'record', payload: { n: 1 } }));
      expect(accepted.status).toBe(202);
      expect(queue.depth).toBe(1);
      expect((await app.call('POST', '/jobs', '{not json')).status).toBe(400);
      expect((await app.call('POST', '/jobs', JSON.stringify({ kind: 'Bad Kind' }))).status).toBe(400);
      expect((await app.call('POST', '/jobs', 'null')).status).toBe(400);
      expect((await app.call('POST', '/jobs', 'x'.repeat(70 * 1024))).status).toBe(413);
      expect((await app.call('GET', '/jobs')).status).toBe(405);
      expect((await app.call('DELETE', '/')).status).toBe(405);
      expect((await app.call('GET', '/nope')).status).toBe(404);
      expect(queue.depth).toBe(1);
    } finally {
      await app.close();
    }
  });

  test('answers 503 to jobs before there is a queue', async () => {
    const app = await serve();
    try {
      const res = await app.call('POST', '/jobs', JSON.stringify({ kind: 'record' }));
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body).error).toMatch(/stage 4 adds one/);
    } finally {
      await app.close();
    }
  });
});
