/**
 * Getting the schema in place without blocking the process: the app serves liveness at once and
 * reports the schema in readiness until it is there. With `migrate` (the primary region) it runs
 * the migration; without (the second region of stage 5, where Aurora does not forward DDL) it
 * waits for the primary's migration to replicate. Either way it retries until it succeeds and logs
 * each new failure and then once a minute, so a stuck start is visible, never a silent crash loop.
 */
import { Database } from './database';

export interface SchemaStatus {
  /** `ok` once the schema is in place; otherwise what it is waiting for. */
  readonly state: string;
}

export interface SchemaOptions {
  /** Run the migration (true) or wait for another region's (false). */
  readonly migrate: boolean;
  /** @default 5000 ms */
  readonly retryMs?: number;
  readonly log?: (line: string) => void;
  /** Stops the retries (shutdown). */
  readonly signal?: AbortSignal;
}

export interface SchemaPreparation extends SchemaStatus {
  /** Resolves once the schema is in place, or the signal aborted the wait. */
  readonly done: Promise<void>;
}

export function prepareSchema(db: Pick<Database, 'migrate' | 'schemaExists'>, options: SchemaOptions): SchemaPreparation {
  const retryMs = options.retryMs ?? 5000;
  const log = options.log ?? ((line: string) => console.log(line));
  const status = { state: options.migrate ? 'migrating' : 'waiting for the primary region\'s schema', done: Promise.resolve() };
  status.done = (async () => {
    let lastLogged = '';
    let lastLoggedAt = 0;
    for (let attempt = 1; !options.signal?.aborted; attempt++) {
      try {
        if (options.migrate) {
          await db.migrate();
          status.state = 'ok';
        } else if (await db.schemaExists()) {
          status.state = 'ok';
        } else {
          status.state = 'waiting for the primary region\'s migration to replicate';
        }
      } catch (error) {
        status.state = `${options.migrate ? 'migration' : 'schema check'} failed: ${(error as Error).message.slice(0, 200)}`;
      }
      if (status.state === 'ok') {
        if (attempt > 1) log(`schema ready after ${attempt} attempts`);
        return;
      }
      if (status.state !== lastLogged || Date.now() - lastLoggedAt >= 60_000) {
        log(`schema not ready (attempt ${attempt}, retrying every ${retryMs} ms): ${status.state}`);
        lastLogged = status.state;
        lastLoggedAt = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  })();
  return status;
}
