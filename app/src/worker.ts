/**
 * The worker loop: receives jobs, runs each kind's handler, records it, and acknowledges it.
 * A handler that throws leaves the job unacknowledged, so the queue delivers it again after its
 * visibility timeout and, after repeated failures, moves it to the dead-letter queue.
 */
import { Database } from './database';
import { JobQueue, ReceivedJob } from './queue';

export type JobHandler = (payload: unknown, db: Database) => Promise<void>;

/** The reference app's job kinds. Replace with your own (e-mail, images, reports). */
export const HANDLERS: Record<string, JobHandler> = {
  /** Records the job; stands for real work such as sending an e-mail. */
  record: async () => undefined,
  /** Always fails: exercises retries and the dead-letter queue. */
  fail: async () => {
    throw new Error('this job kind always fails');
  },
};

export interface WorkerOptions {
  readonly handlers?: Record<string, JobHandler>;
  /** Long-poll wait of each receive. @default 20 s (the SQS maximum) */
  readonly waitSeconds?: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

export async function runWorker(queue: JobQueue, db: Database, options: WorkerOptions = {}): Promise<void> {
  const handlers = options.handlers ?? HANDLERS;
  const log = options.log ?? ((line: string) => console.log(line));
  while (!options.signal?.aborted) {
    let jobs: ReceivedJob[];
    try {
      jobs = await queue.receive(10, options.waitSeconds ?? 20);
    } catch (error) {
      log(`receive failed: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    for (const job of jobs) await process(job);
  }

  async function process(job: ReceivedJob) {
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for kind ${job.kind}`);
      await handler(job.payload, db);
      await db.writer.query(
        `INSERT INTO jobs (id, kind, payload, attempts, done_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (id) DO UPDATE SET attempts = EXCLUDED.attempts, done_at = now()`,
        [job.id, job.kind, JSON.stringify(job.payload), job.receiveCount],
      );
      await db.increment('jobs_done');
      await queue.acknowledge(job);
      log(`job ${job.id} (${job.kind}) done after ${job.receiveCount} attempt(s)`);
    } catch (error) {
      log(`job ${job.id} (${job.kind}) failed, attempt ${job.receiveCount}: ${(error as Error).message}`);
    }
  }
}
