/**
 * Work that leaves the request path: the web tier sends jobs, workers receive and acknowledge
 * them. SQS in AWS (retries through the visibility timeout, a dead-letter queue after repeated
 * failures, both configured on the queue); `LocalQueue` is the in-process stand-in with the same
 * semantics for tests and local runs.
 */
import { randomUUID } from 'crypto';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface Job {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
}

export interface ReceivedJob extends Job {
  /** How many times the job has been received, this time included. */
  readonly receiveCount: number;
  /** Opaque handle for `acknowledge`. */
  readonly handle: string;
}

export interface JobQueue {
  send(kind: string, payload: unknown): Promise<string>;
  /** Up to `max` jobs, waiting up to `waitSeconds` for the first. */
  receive(max: number, waitSeconds: number): Promise<ReceivedJob[]>;
  /** The job is done: remove it. A job never acknowledged comes back after its visibility timeout. */
  acknowledge(job: ReceivedJob): Promise<void>;
}

export class SqsQueue implements JobQueue {
  private readonly client: SQSClient;

  constructor(private readonly url: string, timeoutMs: number) {
    this.client = new SQSClient({ requestHandler: { requestTimeout: timeoutMs + 20_000, connectionTimeout: timeoutMs } });
  }

  async send(kind: string, payload: unknown): Promise<string> {
    const id = randomUUID();
    await this.client.send(new SendMessageCommand({ QueueUrl: this.url, MessageBody: JSON.stringify({ id, kind, payload }) }));
    return id;
  }

  async receive(max: number, waitSeconds: number): Promise<ReceivedJob[]> {
    const result = await this.client.send(new ReceiveMessageCommand({
      QueueUrl: this.url,
      MaxNumberOfMessages: Math.min(max, 10),
      WaitTimeSeconds: waitSeconds,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }));
    return (result.Messages ?? []).map((m) => ({
      ...(JSON.parse(m.Body ?? '{}') as Job),
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
      handle: m.ReceiptHandle!,
    }));
  }

  async acknowledge(job: ReceivedJob): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: job.handle }));
  }
}

interface LocalMessage {
  job: Job;
  receiveCount: number;
  visibleAt: number;
  handle?: string;
}

export interface LocalQueueOptions {
  /** How long a received, unacknowledged job stays invisible. @default 1000 ms */
  readonly visibilityTimeoutMs?: number;
  /** Receives after which a job moves to `deadLetters`, as an SQS redrive policy does. @default 3 */
  readonly maxReceiveCount?: number;
}

export class LocalQueue implements JobQueue {
  readonly deadLetters: Job[] = [];
  private readonly messages: LocalMessage[] = [];
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;

  constructor(options: LocalQueueOptions = {}) {
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 1000;
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
  }

  async send(kind: string, payload: unknown): Promise<string> {
    const id = randomUUID();
    this.messages.push({ job: { id, kind, payload: JSON.parse(JSON.stringify(payload ?? null)) }, receiveCount: 0, visibleAt: 0 });
    return id;
  }

  async receive(max: number, waitSeconds: number): Promise<ReceivedJob[]> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const now = Date.now();
      const visible = this.messages.filter((m) => m.visibleAt <= now);
      for (const m of visible.filter((v) => v.receiveCount >= this.maxReceiveCount)) {
        this.messages.splice(this.messages.indexOf(m), 1);
        this.deadLetters.push(m.job);
      }
      const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, max);
      if (batch.length || now >= deadline) {
        return batch.map((m) => {
          m.receiveCount += 1;
          m.visibleAt = now + this.visibilityTimeoutMs;
          m.handle = randomUUID();
          return { ...m.job, receiveCount: m.receiveCount, handle: m.handle };
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async acknowledge(job: ReceivedJob): Promise<void> {
    const i = this.messages.findIndex((m) => m.handle === job.handle);
    if (i >= 0) this.messages.splice(i, 1);
  }

  /** Jobs not yet acknowledged or dead-lettered. */
  get depth(): number {
    return this.messages.length;
  }
}
