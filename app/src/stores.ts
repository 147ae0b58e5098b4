/**
 * Where sessions and cached reads live: PostgreSQL up to stage 3, Valkey from stage 4. Either
 * way any instance can serve any request, so the web tier stays stateless.
 */
import Valkey from 'iovalkey';
import { Database } from './database';
import { withTimeout } from './timeout';

export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** Sessions in the `sessions` table; expired rows are ignored and pruned on write. */
export class PostgresStore implements KeyValueStore {
  constructor(private readonly db: Database) {}

  async get(key: string): Promise<string | undefined> {
    const result = await this.db.writer.query<{ data: unknown }>('SELECT data FROM sessions WHERE id = $1 AND expires_at > now()', [key]);
    return result.rows.length ? JSON.stringify(result.rows[0].data) : undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.db.writer.query(
      `INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
      [key, value, ttlSeconds],
    );
    if (Math.random() < 0.01) await this.db.writer.query('DELETE FROM sessions WHERE expires_at < now()');
  }
}

/**
 * Valkey (or Redis) with every command bounded: a slow or absent cache fails fast instead of
 * hanging, and no command is queued to run later (a late `SET` could overwrite a newer session).
 * The one wait is for the first connection: an instance listens before it is up, so the first
 * commands wait for it, bounded by the timeout, instead of failing at once.
 */
export class ValkeyStore implements KeyValueStore {
  readonly client: Valkey;
  private readonly firstReady: Promise<void>;

  constructor(url: string, private readonly timeoutMs: number) {
    this.client = new Valkey(url, {
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.client.on('error', () => undefined);
    this.firstReady = new Promise((resolve) => this.client.once('ready', () => resolve()));
  }

  /** Resolves once the client has connected for the first time; later reconnects are not waited for. */
  private connected(): Promise<void> {
    return withTimeout(this.firstReady, this.timeoutMs, 'cache connection');
  }

  async get(key: string): Promise<string | undefined> {
    await this.connected();
    const value = await withTimeout(this.client.get(key), this.timeoutMs, 'cache read');
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.connected();
    await withTimeout(this.client.set(key, value, 'EX', ttlSeconds), this.timeoutMs, 'cache write');
  }

  async ping(): Promise<void> {
    await withTimeout(this.client.ping(), this.timeoutMs, 'cache ping');
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}

export interface CacheAsideResult<T> {
  readonly value: T;
  readonly hit: boolean;
}

/**
 * Cache-aside: the cached value when there is one, else `load()` stored for `ttlSeconds`. A
 * failing cache degrades to `load()`: the cache speeds reads up, it never takes the page down.
 */
export async function cacheAside<T>(cache: KeyValueStore | undefined, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<CacheAsideResult<T>> {
  if (!cache) return { value: await load(), hit: false };
  try {
    const cached = await cache.get(key);
    if (cached !== undefined) return { value: JSON.parse(cached) as T, hit: true };
  } catch {
    return { value: await load(), hit: false };
  }
  const value = await load();
  await cache.set(key, JSON.stringify(value), ttlSeconds).catch(() => undefined);
  return { value, hit: false };
}
