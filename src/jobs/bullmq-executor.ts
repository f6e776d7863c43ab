/**
 * Jobs queued in Redis with BullMQ and run by every process that consumes
 * the queue: the API (unless JOB_API_WORKER=off) and any number of
 * `tradeloop worker` processes, on any host sharing the Redis and the
 * database. The job row stays the source of truth (params, progress,
 * result); a BullMQ job carries only the row id, as data and in its jobId
 * (`job-<id>`: BullMQ refuses integer ids).
 *
 * - Priority: the row's rank is the BullMQ priority (1 high, 2 normal, 3 low).
 * - Restarts: waiting jobs live in Redis and survive any process.
 * - Lost workers: a worker renews its job's lock every JOB_STALL_MS / 2; when
 *   it dies, BullMQ's stalled check (every JOB_STALL_MS, in any live worker)
 *   puts the job back in the queue. It runs again once; a job whose worker
 *   is lost a second time is failed with WORKER_LOST and the count.
 * - Cancel: a waiting job is removed from the queue; a running one is
 *   stopped through a Redis pub/sub message every consumer listens to (the
 *   row is already marked cancelled, so a worker that misses the message
 *   still cannot record a result).
 * - Shutdown: running jobs are handed back to the queue (moveToWait).
 * - Redis down: an enqueue fails at once while the queue's connection is
 *   not ready, and within its deadline when Redis does not answer; the
 *   connection's changes of state and each enqueue's outcome are reported
 *   (DependencyOutages logs an outage once). Connections retry every 0.1-2 s,
 *   so jobs are taken again within 2 s of Redis coming back.
 */
import { type Job as BullJob, Queue, WaitingError, Worker } from 'bullmq';
import type { Redis as RedisClient } from 'ioredis';
import { Redis } from 'ioredis';
import { reconnectDelay } from '../cache/redis-connection.js';
import type { Clock } from '../domain/clock.js';
import { UnavailableError } from '../domain/errors.js';
import { withDeadline } from '../lib/deadline.js';
import { type Job, PRIORITY_RANK } from '../store/job-records.js';
import type { JobRepository } from '../store/job-repository.js';
import type { DependencyReports, JobExecutor } from './executor.js';
import type { JobRunner } from './job-runner.js';

/** Times a job may lose its worker and still be run again. */
export const MAX_WORKER_LOSSES = 1;
export const DEFAULT_QUEUE_NAME = 'research-jobs';
const READY_TIMEOUT_MS = 10_000;
/** The dependency this executor reports and /readyz names. */
export const QUEUE_DEPENDENCY = 'redis';
/** Retry-After of a submit refused while Redis is down. */
const RETRY_AFTER_MS = 5_000;

export interface BullmqExecutorOptions {
  redisUrl: string;
  /** Redis key prefix (JOB_QUEUE_PREFIX); API and workers of one deployment share it. */
  prefix: string;
  /** @default 'research-jobs' */
  queueName?: string;
  repo: JobRepository;
  clock: Clock;
  /** Consume the queue in this process with this runner; absent = only queue. */
  runner?: JobRunner;
  /** Jobs this process runs at once. */
  concurrency: number;
  /** Lock duration and stalled-check interval. */
  stallMs: number;
  onError?: (err: unknown) => void;
  /** Where Redis answering or failing is reported (outages are logged there, once). */
  reports?: DependencyReports;
}

const bullId = (id: number) => `job-${id}`;

interface JobData {
  id: number;
}

export class BullmqExecutor implements JobExecutor {
  readonly kind = 'bullmq';
  readonly dependency = QUEUE_DEPENDENCY;
  private readonly queue: Queue<JobData>;
  private readonly queueName: string;
  private readonly channel: string;
  private readonly onError: (err: unknown) => void;
  private worker: Worker<JobData> | undefined;
  private sub: Redis | undefined;
  private pub: Redis | undefined;
  private client: RedisClient | undefined;
  private closing = false;

  constructor(private readonly o: BullmqExecutorOptions) {
    this.queueName = o.queueName ?? DEFAULT_QUEUE_NAME;
    this.channel = `${o.prefix}:${this.queueName}:cancel`;
    this.onError = o.onError ?? (() => {});
    this.queue = new Queue<JobData>(this.queueName, {
      connection: { url: o.redisUrl, retryStrategy: reconnectDelay },
      prefix: o.prefix,
    });
    this.queue.on('error', (err) => {
      this.down(err);
      this.onError(err);
    });
  }

  private down(cause: unknown): void {
    if (!this.closing) this.o.reports?.down(QUEUE_DEPENDENCY, cause);
  }

  private up(): void {
    this.o.reports?.up(QUEUE_DEPENDENCY);
  }

  /** The queue's connection, when it is ready for commands; otherwise an UnavailableError (reported). */
  private ready(): RedisClient {
    const client = this.client;
    if (client?.status === 'ready') return client;
    const err = this.unavailable(`Redis at ${this.o.redisUrl} is ${client?.status ?? 'not connected'}`);
    this.down(err);
    throw err;
  }

  private unavailable(message: string, cause?: unknown): UnavailableError {
    return new UnavailableError(`the job queue is unavailable: ${message}`, {
      dependency: QUEUE_DEPENDENCY,
      retryAfterMs: RETRY_AFTER_MS,
      ...(cause === undefined ? {} : { cause }),
    });
  }

  /** `p`, or an UnavailableError (reported) when it has not settled after `timeoutMs`. */
  private within<T>(p: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    return withDeadline(p, timeoutMs, () => {
      const err = this.unavailable(`Redis did not ${what} within ${timeoutMs} ms`);
      this.down(err);
      throw err;
    });
  }

  async start(): Promise<void> {
    await withDeadline(this.queue.waitUntilReady(), READY_TIMEOUT_MS, () => {
      throw new UnavailableError(`Redis at ${this.o.redisUrl} did not answer for the job queue in 10 s`);
    });
    const client = await this.queue.getBackend().client;
    this.client = client as unknown as RedisClient;
    this.client.on('ready', () => this.up());
    this.client.on('close', () => this.down(new Error('connection closed')));
    const runner = this.o.runner;
    if (!runner) return;
    this.sub = new Redis(this.o.redisUrl, { maxRetriesPerRequest: null });
    this.sub.on('error', this.onError);
    this.sub.on('message', (_channel: string, id: string) => runner.stop(Number(id), 'cancel'));
    await this.sub.subscribe(this.channel);
    this.worker = new Worker<JobData>(this.queueName, (job, token) => this.process(runner, job, token), {
      connection: { url: this.o.redisUrl, maxRetriesPerRequest: null, retryStrategy: reconnectDelay },
      prefix: this.o.prefix,
      concurrency: this.o.concurrency,
      lockDuration: this.o.stallMs,
      stalledInterval: this.o.stallMs,
      // Our own limit (MAX_WORKER_LOSSES) decides, with a reason in the row; BullMQ only re-queues.
      maxStalledCount: MAX_WORKER_LOSSES + 1,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 1000 },
    });
    this.worker.on('error', this.onError);
    await this.worker.waitUntilReady();
  }

  async enqueue(job: Job, opts: { timeoutMs?: number } = {}): Promise<void> {
    this.ready();
    const added = this.queue
      .add(
        job.type,
        { id: job.id },
        { jobId: bullId(job.id), priority: PRIORITY_RANK[job.priority], attempts: 1 },
      )
      .then(
        () => this.up(),
        (err: unknown) => {
          const e = this.unavailable(err instanceof Error ? err.message : String(err), err);
          this.down(e);
          throw e;
        },
      );
    if (opts.timeoutMs === undefined) return added;
    // A late add still lands (or fails) on its own; nobody waits for it any more.
    added.catch(() => {});
    return this.within(added, opts.timeoutMs, 'take the job');
  }

  async check(timeoutMs: number): Promise<void> {
    const client = this.ready();
    await this.within(client.ping(), timeoutMs, 'answer PING');
    this.up();
  }

  async cancel(job: Job): Promise<void> {
    // 0 when it is running (locked) or gone: then the message stops it.
    await this.queue.remove(bullId(job.id)).catch(this.onError);
    this.pub ??= new Redis(this.o.redisUrl, { maxRetriesPerRequest: 3 });
    await this.pub.publish(this.channel, String(job.id));
    this.o.runner?.stop(job.id, 'cancel');
  }

  async close(): Promise<void> {
    this.closing = true;
    this.o.runner?.stopAll('shutdown');
    await this.worker?.close();
    await this.queue.close();
    this.sub?.disconnect();
    this.pub?.disconnect();
  }

  private async process(runner: JobRunner, job: BullJob<JobData>, token: string | undefined): Promise<void> {
    const id = job.data.id;
    const losses = job.stalledCounter;
    if (losses > MAX_WORKER_LOSSES) {
      const message = `the worker running the job was lost ${losses} times (no lock renewal for ${this.o.stallMs} ms)`;
      await this.o.repo.close(id, 'failed', { error: { code: 'WORKER_LOST', message } }, this.o.clock.now());
      return;
    }
    const status = await runner.run(id, { restart: losses > 0 });
    if (status === 'queued') {
      // Shutting down: hand the job back to the queue for another worker.
      await job.moveToWait(token);
      throw new WaitingError();
    }
  }
}
