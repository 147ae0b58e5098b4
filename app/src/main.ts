/**
 * Entry points: `node server.js` serves HTTP, `node server.js worker` runs the job worker. Both
 * read the environment the boot script writes; a bad setting stops startup with one line. The
 * server listens at once (liveness) while the schema is prepared (readiness reports it): with
 * `DB_MIGRATE=false` (the second region of stage 5) it waits for the primary region's migration.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { readSettings, SettingError } from './config';
import { CounterBuffer } from './counter-buffer';
import { Database } from './database';
import { JobQueue, LocalQueue, SqsQueue } from './queue';
import { prepareSchema } from './schema';
import { createServer } from './server';
import { PostgresStore, ValkeyStore } from './stores';
import { runWorker } from './worker';

async function main() {
  const settings = readSettings(process.env);
  const db = new Database(settings.database, settings.dependencyTimeoutMs);
  const cache = settings.cacheUrl ? new ValkeyStore(settings.cacheUrl, settings.dependencyTimeoutMs) : undefined;
  const queue: JobQueue | undefined = settings.queueUrl === 'local:' ? new LocalQueue()
    : settings.queueUrl ? new SqsQueue(settings.queueUrl, settings.dependencyTimeoutMs) : undefined;
  const abort = new AbortController();
  const schema = prepareSchema(db, { migrate: settings.database.migrate, signal: abort.signal });

  if (process.argv[2] === 'worker') {
    if (!queue) throw new SettingError('QUEUE_URL', undefined, 'a queue for the worker to read');
    process.once('SIGTERM', () => abort.abort());
    await schema.done;
    if (!abort.signal.aborted) await runWorker(queue, db, { signal: abort.signal });
    return db.close();
  }

  const pageViews = new CounterBuffer(db, 'page_views');
  const stopFlushing = pageViews.start(5000);

  const server = createServer({
    stage: settings.stage,
    instanceId: await instanceId(),
    db,
    pageViews,
    schema,
    sessions: cache ?? new PostgresStore(db),
    cache,
    queue,
    timeoutMs: settings.dependencyTimeoutMs,
    // Beside the bundle when deployed, beside the sources when run with tsx.
    staticDir: [path.join(__dirname, 'static'), path.join(__dirname, '..', 'static')].find((d) => fs.existsSync(d))!,
  });
  server.listen(settings.port, () => console.log(`listening on ${settings.port} (stage ${settings.stage})`));
  process.once('SIGTERM', () => {
    abort.abort();
    stopFlushing();
    server.close(() => pageViews.flush().catch(() => undefined)
      .then(() => Promise.all([db.close(), cache?.close()])).then(() => process.exit(0)));
  });
}

/** This instance's ID from IMDSv2, or the host name off EC2. */
async function instanceId(): Promise<string> {
  const call = (method: string, url: string, headers: Record<string, string>) => new Promise<string>((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: 500 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(String(res.statusCode)))));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
  try {
    const token = await call('PUT', 'http://169.254.169.254/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': '60' });
    return await call('GET', 'http://169.254.169.254/latest/meta-data/instance-id', { 'X-aws-ec2-metadata-token': token });
  } catch {
    return require('os').hostname();
  }
}

main().catch((error: Error) => {
  console.error(error instanceof SettingError ? error.message : `startup failed: ${error.message}`);
  process.exit(1);
});
