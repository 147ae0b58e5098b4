/**
 * The reference web app: `/` (stage, instance, visit counters), versioned `/static/` assets,
 * `/health/live` (liveness), `/health` (readiness: 200 only when every dependency answers in
 * time), and `POST /jobs` (enqueue work). Plain node:http: nothing to learn before replacing it.
 *
 * Which paths write (stage 5 serves reads from both regions, so a read must survive the loss of
 * the writer; CloudFront forwards only `POST /jobs` as a write):
 * - `POST /jobs` is the only path that accepts a write: it sends to the queue; the worker writes
 *   the database.
 * - Every GET (and HEAD) writes nothing to the database on the request path. `GET /` counts the
 *   view in memory (`CounterBuffer`, added to the database in the background) and saves the
 *   session in the session store: Valkey from stage 4, the `sessions` table before; a failed
 *   session save or read is logged and the page still renders. Counters are read from the reader
 *   through the cache; when both fail the page shows them as unavailable.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { versionedAssetName } from './asset-name';
import { CounterBuffer } from './counter-buffer';
import { Database } from './database';
import { JobQueue } from './queue';
import { SchemaStatus } from './schema';
import { cacheAside, KeyValueStore, ValkeyStore } from './stores';
import { withTimeout } from './timeout';

export interface AppDependencies {
  readonly stage: string;
  readonly instanceId: string;
  /** Read and ping only: requests never write to the database directly. */
  readonly db: Pick<Database, 'ping' | 'counter'>;
  /** Page views, counted in memory and added to the database in the background. */
  readonly pageViews: CounterBuffer;
  /** Whether the schema is in place: reported by readiness. @default - not reported */
  readonly schema?: SchemaStatus;
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
/**
 * The largest request body accepted: 8 KB, the limit of the AWS WAF managed common rule set's
 * `SizeRestrictions_BODY` rule (AWSManagedRulesCommonRuleSet), which blocks larger bodies at
 * CloudFront from stage 4. One limit everywhere: a body the app accepts is never one the edge refuses.
 */
export const MAX_BODY_BYTES = 8192;
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
  if (url.pathname === '/health/live') {
    // Liveness, for the load balancer and the Auto Scaling group: the process serves requests.
    // No dependency is called, so a database or cache failover never replaces the fleet.
    allow('GET', 'HEAD');
    return send(res, 200, { status: 'ok' });
  }
  if (url.pathname === '/health') {
    // Readiness: every dependency, reported (and alarmed), 503 when one fails.
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
  const { id, session, save } = await loadSession(deps, req);
  session.visits = (typeof session.visits === 'number' ? session.visits : 0) + 1;
  deps.pageViews.add();
  const [, views, jobs] = await Promise.all([
    save && deps.sessions.set(`session:${id}`, JSON.stringify(session), SESSION_TTL_SECONDS)
      .catch((error: Error) => console.error(`session not saved: ${error.message}`)),
    readCounter(deps, 'page_views'),
    readCounter(deps, 'jobs_done'),
  ]);
  const pageViews = views && { ...views, value: views.value + deps.pageViews.pending };
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
<dt>Page views</dt><dd>${pageViews ? pageViews.value : 'unavailable'}</dd>
<dt>Your visits</dt><dd>${session.visits}</dd>
<dt>Jobs done</dt><dd>${jobs ? `${jobs.value} (${deps.cache ? (jobs.hit ? 'cache hit' : 'cache miss') : 'no cache'})` : 'unavailable'}</dd>
</dl>
</main></body></html>
`);
}

/**
 * A counter from the reader through the cache; undefined when neither answers. Bounded by the
 * pools' own timeouts, not the dependency timeout: the first read after an Aurora Serverless v2
 * auto-pause waits for the resume (connect timeout) instead of showing the counter as unavailable.
 */
async function readCounter(deps: AppDependencies, name: string) {
  try {
    return await cacheAside(deps.cache, `stats:${name}`, 5, () => deps.db.counter(name));
  } catch (error) {
    console.error(`counter ${name} unavailable: ${(error as Error).message}`);
    return undefined;
  }
}

/** The visitor's session; a store that fails to answer starts a new one rather than failing the page. */
async function loadSession(deps: AppDependencies, req: http.IncomingMessage) {
  const cookie = /(?:^|;\s*)sid=([A-Za-z0-9_-]{43})(?:;|$)/.exec(req.headers.cookie ?? '');
  if (cookie) {
    try {
      const stored = await deps.sessions.get(`session:${cookie[1]}`);
      if (stored) return { id: cookie[1], session: JSON.parse(stored) as Record<string, unknown>, save: true };
    } catch (error) {
      // Not saved afterwards either: an empty session must not overwrite the stored one.
      console.error(`session not read: ${(error as Error).message}`);
      return { id: cookie[1], session: {} as Record<string, unknown>, save: false };
    }
  }
  return { id: randomBytes(32).toString('base64url'), session: {} as Record<string, unknown>, save: true };
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
    ...(deps.schema ? [['schema', deps.schema.state] as const] : []),
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
