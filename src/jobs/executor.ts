/**
 * The port between the job manager and where jobs wait and run. The
 * manager writes the job row first; an executor only decides when and where
 * `JobRunner.run(id)` happens, and how a cancel reaches a running job.
 *
 * Implementations: `EmbeddedExecutor` (an in-process priority queue over the
 * local worker pool) and `BullmqExecutor` (a Redis queue consumed by any
 * number of processes). Both pass test/jobs/executor-conformance.ts.
 */
import type { Job } from './job.js';

export interface JobExecutor {
  readonly kind: 'embedded' | 'bullmq';
  /** Recovers what a previous run left (queued jobs) and starts consuming. */
  start(): Promise<void>;
  /** Queues a job whose row is already written (status queued). */
  enqueue(job: Job): Promise<void>;
  /**
   * The job's row is already marked cancelled: drop it from the queue, or
   * stop it wherever it runs.
   */
  cancel(job: Job): Promise<void>;
  /** Stops consuming; jobs running here go back to the queue. */
  close(): Promise<void>;
}
