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
 * Valkey (or Redis) with every command bounded: a slow cache fails fast instead of hanging.
 * Commands sent while the client (re)connects wait in its offline queue, so an instance that
 * listens before its first connection is up does not drop the first sessions; the timeout
 * still bounds them, and a failed reconnect attempt flushes the queue (maxRetriesPerRequest).
 */
export class ValkeyStore implements KeyValueStore {
  readonly client: Valkey;

  constructor(url: string, private readonly timeoutMs: number) {
    this.client = new Valkey(url, {
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.client.on('error', () => undefined);
  }

  async get(key: string): Promise<string | undefined> {
    const value = await withTimeout(this.client.get(key), this.timeoutMs, 'cache read');
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
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
