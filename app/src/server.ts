/**
 * The reference web app: `/` (stage, instance, visit counters), versioned `/static/` assets,
 * `/health` (200 only when every dependency answers in time), and `POST /jobs` (enqueue work).
 * Plain node:http: nothing to learn before replacing it with your own app.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { versionedAssetName } from './asset-name';
import { Database } from './database';
import { JobQueue } from './queue';
import { cacheAside, KeyValueStore, ValkeyStore } from './stores';
import { withTimeout } from './timeout';

export interface AppDependencies {
  readonly stage: string;
  readonly instanceId: string;
  readonly db: Pick<Database, 'ping' | 'increment' | 'counter'>;
  /** Session store: PostgreSQL, or Valkey from stage 4. */
  readonly sessions: KeyValueStore;
  /** Valkey for cache-aside reads, from stage 4. */
  readonly cache?: Pick<ValkeyStore, 'get' | 'set' | 'ping'>;
  /** Job queue, from stage 4. */
  readonly queue?: JobQueue;
  readonly timeoutMs: number;
  /** Folder of the static files. */
  readonly staticDir: string;
}

const SESSION_TTL_SECONDS = 24 * 3600;
const MAX_BODY_BYTES = 64 * 1024;
const JOB_KIND = /^[a-z][a-z0-9-]{0,63}$/;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Static files served under content-hashed names, so they can be cached for a year. */
export class StaticAssets {
  private readonly byName = new Map<string, { body: Buffer; type: string }>();
  /** Original file name to its versioned name. */
  readonly versioned = new Map<string, string>();

  constructor(dir: string) {
    const types: Record<string, string> = { '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };
    for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      const body = fs.readFileSync(path.join(dir, file));
      const name = versionedAssetName(file, body);
      this.byName.set(name, { body, type: types[path.extname(file)] ?? 'application/octet-stream' });
      this.versioned.set(file, name);
    }
  }

  get(name: string) {
    return this.byName.get(name);
  }
}

export function createServer(deps: AppDependencies): http.Server {
  const assets = new StaticAssets(deps.staticDir);
  return http.createServer((req, res) => {
    route(deps, assets, req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) console.error(`${req.method} ${req.url}: ${(error as Error).message}`);
      send(res, status, { error: status === 500 ? 'internal error' : (error as Error).message });
    });
  });
}

async function route(deps: AppDependencies, assets: StaticAssets, req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const allow = (...methods: string[]) => {
    if (!methods.includes(method)) throw new HttpError(405, `method ${method} not allowed`);
  };
  if (url.pathname === '/') {
    allow('GET', 'HEAD');
    return home(deps, assets, req, res);
  }
  if (url.pathname === '/health') {
    allow('GET', 'HEAD');
    return health(deps, res);
  }
  if (url.pathname === '/jobs') {
    allow('POST');
    return enqueue(deps, req, res);
  }
  if (url.pathname.startsWith('/static/')) {
    allow('GET', 'HEAD');
    const asset = assets.get(url.pathname.slice('/static/'.length));
    if (!asset) throw new HttpError(404, 'not found');
    res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable' });
    return res.end(method === 'HEAD' ? undefined : asset.body);
  }
  throw new HttpError(404, 'not found');
}

async function home(deps: AppDependencies, assets: StaticAssets, req: http.IncomingMessage, res: http.ServerResponse) {
  const { id, session } = await loadSession(deps, req);
  session.visits = (typeof session.visits === 'number' ? session.visits : 0) + 1;
  await deps.sessions.set(`session:${id}`, JSON.stringify(session), SESSION_TTL_SECONDS);
  const pageViews = await deps.db.increment('page_views');
  const jobs = await cacheAside(deps.cache, 'stats:jobs-done', 5, () => deps.db.counter('jobs_done'));
  const secure = req.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
  const css = assets.versioned.get('app.css');
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'set-cookie': `sid=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_SECONDS}${secure}`,
  });
  res.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>growth-stages</title>${css ? `<link rel="stylesheet" href="/static/${css}">` : ''}</head>
<body><main>
<h1>growth-stages</h1>
<dl>
<dt>Stage</dt><dd>${escape(deps.stage)}</dd>
<dt>Instance</dt><dd>${escape(deps.instanceId)}</dd>
<dt>Page views</dt><dd>${pageViews}</dd>
<dt>Your visits</dt><dd>${session.visits}</dd>
<dt>Jobs done</dt><dd>${jobs.value} (${deps.cache ? (jobs.hit ? 'cache hit' : 'cache miss') : 'no cache'})</dd>
</dl>
</main></body></html>
`);
}

async function loadSession(deps: AppDependencies, req: http.IncomingMessage) {
  const cookie = /(?:^|;\s*)sid=([A-Za-z0-9_-]{43})(?:;|$)/.exec(req.headers.cookie ?? '');
  if (cookie) {
    const stored = await deps.sessions.get(`session:${cookie[1]}`);
    if (stored) return { id: cookie[1], session: JSON.parse(stored) as Record<string, unknown> };
  }
  return { id: randomBytes(32).toString('base64url'), session: {} as Record<string, unknown> };
}

async function health(deps: AppDependencies, res: http.ServerResponse) {
  const check = async (name: string, probe: () => Promise<unknown>) => {
    try {
      await withTimeout(probe(), deps.timeoutMs, name);
      return [name, 'ok'] as const;
    } catch (error) {
      return [name, (error as Error).message.slice(0, 200)] as const;
    }
  };
  const checks = await Promise.all([
    check('database', () => deps.db.ping()),
    ...(deps.cache ? [check('cache', () => deps.cache!.ping())] : []),
  ]);
  const failing = checks.filter(([, state]) => state !== 'ok');
  send(res, failing.length ? 503 : 200, { status: failing.length ? 'fail' : 'ok', ...Object.fromEntries(checks) });
}

async function enqueue(deps: AppDependencies, req: http.IncomingMessage, res: http.ServerResponse) {
  if (!deps.queue) throw new HttpError(503, 'no job queue at this stage (stage 4 adds one)');
  const body = await readBody(req);
  let job: { kind?: unknown; payload?: unknown };
  try {
    job = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'body must be JSON: {"kind": "...", "payload": ...}');
  }
  if (!job || typeof job !== 'object' || typeof job.kind !== 'string' || !JOB_KIND.test(job.kind)) {
    throw new HttpError(400, 'kind must be 1-64 lowercase letters, digits or hyphens');
  }
  const id = await withTimeout(deps.queue.send(job.kind, job.payload ?? null), deps.timeoutMs, 'queue');
  send(res, 202, { id });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is drained, not kept, so the 413 can still be sent.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES
      ? reject(new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`))
      : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
