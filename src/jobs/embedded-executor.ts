/**
 * Jobs queued in this process and run in its worker pool, at most
 * `concurrency` at a time, highest priority first (then oldest first).
 * The database is the queue's memory: on start, queued jobs are loaded back,
 * and a job left running by a crash is queued again once (or failed with
 * WORKER_LOST when it already had its second attempt). A graceful close
 * hands running jobs back to the queue.
 *
 * One process per database: two API instances with embedded executors
 * would each recover the other's running jobs. A fleet uses BullMQ.
 */
import type { Clock } from '../domain/clock.js';
import { type Job, PRIORITY_RANK } from '../store/job-records.js';
import type { JobRepository } from '../store/job-repository.js';
import type { JobExecutor } from './executor.js';
import type { JobRunner } from './job-runner.js';

/** Starts a job may have; a job running when the process died twice is failed, not retried again. */
export const MAX_ATTEMPTS = 2;

interface Waiting {
  id: number;
  rank: number;
}

export class EmbeddedExecutor implements JobExecutor {
  readonly kind = 'embedded';
  private readonly waiting: Waiting[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private active = 0;
  private closed = false;

  constructor(
    private readonly runner: JobRunner,
    private readonly repo: JobRepository,
    private readonly clock: Clock,
    private readonly concurrency: number,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  async start(): Promise<void> {
    const now = this.clock.now();
    for (const r of await this.repo.idsIn('running')) {
      if (r.attempts < MAX_ATTEMPTS) await this.repo.requeue(r.id, now);
      else
        await this.repo.close(
          r.id,
          'failed',
          {
            error: {
              code: 'WORKER_LOST',
              message: `the service stopped while the job ran (${r.attempts} attempts)`,
            },
          },
          now,
        );
    }
    for (const r of await this.repo.idsIn('queued')) this.push({ id: r.id, rank: r.priority });
    this.pump();
  }

  async enqueue(job: Job): Promise<void> {
    this.push({ id: job.id, rank: PRIORITY_RANK[job.priority] });
    this.pump();
  }

  async cancel(job: Job): Promise<void> {
    const i = this.waiting.findIndex((w) => w.id === job.id);
    if (i >= 0) this.waiting.splice(i, 1);
    this.runner.stop(job.id, 'cancel');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    this.runner.stopAll('shutdown');
    await Promise.allSettled([...this.inFlight]);
  }

  /** Keeps the queue sorted by (rank, id). */
  private push(w: Waiting): void {
    if (this.waiting.some((x) => x.id === w.id)) return;
    let i = this.waiting.length;
    while (i > 0) {
      const prev = this.waiting[i - 1]!;
      if (prev.rank < w.rank || (prev.rank === w.rank && prev.id < w.id)) break;
      i--;
    }
    this.waiting.splice(i, 0, w);
  }

  private pump(): void {
    while (!this.closed && this.active < this.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.active++;
      const p = this.runner
        .run(next.id)
        .catch(this.onError)
        .finally(() => {
          this.active--;
          this.inFlight.delete(p);
          this.pump();
        });
      this.inFlight.add(p);
    }
  }
}
