/**
 * Counts in memory and adds the total to a database counter in the background, so a page view
 * writes nothing on the request path: during a writer outage (stage 5: the primary region's loss)
 * pages still render and the count is kept until a flush succeeds.
 */
import { Database } from './database';

export class CounterBuffer {
  private count = 0;

  constructor(private readonly db: Pick<Database, 'add'>, readonly name: string) {}

  add(amount = 1): void {
    this.count += amount;
  }

  /** Counted here but not yet in the database. */
  get pending(): number {
    return this.count;
  }

  /** Adds the pending count to the database; on failure it stays pending for the next flush. */
  async flush(): Promise<void> {
    const amount = this.count;
    if (!amount) return;
    this.count -= amount;
    try {
      await this.db.add(this.name, amount);
    } catch (error) {
      this.count += amount;
      throw error;
    }
  }

  /** Flushes every `intervalMs` until the returned function is called; failures are logged. */
  start(intervalMs: number, log: (line: string) => void = console.error): () => void {
    const timer = setInterval(() => {
      this.flush().catch((error: Error) => log(`counter ${this.name}: flush failed, ${this.count} kept: ${error.message}`));
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
