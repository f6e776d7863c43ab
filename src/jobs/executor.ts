/**
 * The port between the job manager and where jobs wait and run. The
 * manager writes the job row first; an executor only decides when and where
 * `JobRunner.run(id)` happens, and how a cancel reaches a running job.
 *
 * Implementations: `EmbeddedExecutor` (an in-process priority queue over the
 * local worker pool) and `BullmqExecutor` (a Redis queue consumed by any
 * number of processes). Both pass test/jobs/executor-conformance.ts.
 */
import type { Job } from '../store/job-records.js';

/** Where an executor reports its dependency answering or failing (DependencyOutages). */
export interface DependencyReports {
  down(dependency: string, cause: unknown): void;
  up(dependency: string): void;
}

export interface JobExecutor {
  readonly kind: 'embedded' | 'bullmq';
  /** Recovers what a previous run left (queued jobs) and starts consuming. */
  start(): Promise<void>;
  /**
   * Queues a job whose row is already written (status queued). With
   * `timeoutMs`, rejects with UnavailableError when the queue has not taken
   * it by then; the job may still land in the queue later (the caller makes
   * sure a late job finds nothing to run).
   */
  enqueue(job: Job, opts?: { timeoutMs?: number }): Promise<void>;
  /**
   * Resolves when the queue's dependency answers within `timeoutMs`, rejects
   * with UnavailableError naming it otherwise. Absent: nothing to check.
   */
  check?(timeoutMs: number): Promise<void>;
  /** The dependency `check` probes (`redis`). */
  readonly dependency?: string;
  /**
   * The job's row is already marked cancelled: drop it from the queue, or
   * stop it wherever it runs.
   */
  cancel(job: Job): Promise<void>;
  /** Stops consuming; jobs running here go back to the queue. */
  close(): Promise<void>;
}
