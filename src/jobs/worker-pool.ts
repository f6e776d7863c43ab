/**
 * The piscina pool that runs job tasks off the event loop. The worker file
 * sits next to this module: `worker.ts` when running from sources (tests,
 * `npm run dev`; the thread then loads tsx), `worker.js` in `dist`.
 *
 * Memory comes back after large jobs: a thread's heap keeps what a big job
 * grew it to (six rounds of maximum Monte Carlo jobs held about 130 MiB in
 * two threads), and only ending the thread returns it. (Its typed arrays are
 * malloc'd: glibc returns them only with a fixed mmap threshold, which
 * `npm start` sets through GLIBC_TUNABLES; otherwise the thread's malloc
 * arena keeps them after the thread ends.)
 * So the pool is recycled, its threads ended and new ones started on the
 * next task, once it has been idle for `recycleIdleMs` after a task whose
 * thread reported more than `heavyTaskBytes`, or after `recycleAfterTasks`
 * tasks. Light work keeps warm threads (and their cached venues).
 */
import os from 'node:os';
import type { Piscina } from 'piscina';
import type { WorkerReply, WorkerTask } from './task-protocol.js';

/** The worker entry beside this module, and how to start it. */
export function workerEntry(): { filename: string; execArgv: string[] } {
  const fromSources = import.meta.url.endsWith('.ts');
  return {
    filename: new URL(fromSources ? './worker.ts' : './worker.js', import.meta.url).href,
    execArgv: fromSources ? ['--import', 'tsx'] : [],
  };
}

/** 0 means one per CPU; never fewer than 1. */
export function resolveConcurrency(configured: number): number {
  return configured > 0 ? configured : Math.max(1, os.availableParallelism());
}

export interface WorkerPoolOptions {
  /** A task whose thread ends above this much heap + ArrayBuffers marks the pool for recycling. @default 48 MiB */
  heavyTaskBytes?: number;
  /** Tasks after which the pool is recycled anyway. @default 2000 */
  recycleAfterTasks?: number;
  /** Idle time before a marked pool is recycled (a job's next task usually follows at once). @default 1000 */
  recycleIdleMs?: number;
}

type Pool = Piscina<WorkerTask, WorkerReply>;

/** Created on the first task: a service that never runs a job never loads piscina. */
export class WorkerPool {
  private pool: Promise<Pool> | undefined;
  private readonly heavyTaskBytes: number;
  private readonly recycleAfterTasks: number;
  private readonly recycleIdleMs: number;
  private inFlight = 0;
  private tasksRun = 0;
  private heavy = false;
  private recycleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly retiring = new Set<Promise<void>>();
  /** Times the threads were ended and replaced (for tests and metrics). */
  recycles = 0;

  constructor(
    readonly threads: number,
    o: WorkerPoolOptions = {},
  ) {
    this.heavyTaskBytes = o.heavyTaskBytes ?? 48 * 2 ** 20;
    this.recycleAfterTasks = o.recycleAfterTasks ?? 2000;
    this.recycleIdleMs = o.recycleIdleMs ?? 1000;
  }

  private piscina(): Promise<Pool> {
    this.pool ??= import('piscina').then(({ Piscina }) => {
      const entry = workerEntry();
      return new Piscina<WorkerTask, WorkerReply>({
        filename: entry.filename,
        execArgv: entry.execArgv,
        maxThreads: this.threads,
        minThreads: 0,
        // Threads stay warm between jobs (venues cached) but do not hold memory forever.
        idleTimeout: 60_000,
        // Tasks beyond the threads wait in piscina's FIFO; job priority is decided before.
        maxQueue: Number.POSITIVE_INFINITY,
      });
    });
    return this.pool;
  }

  /**
   * Runs one task; `signal` aborts it hard (a running thread is terminated);
   * `transferList` moves those buffers to the thread instead of copying them.
   */
  async run<T>(
    task: WorkerTask,
    opts: { signal?: AbortSignal; transferList?: ArrayBuffer[] } = {},
  ): Promise<WorkerReply<T>> {
    clearTimeout(this.recycleTimer);
    this.recycleTimer = undefined;
    this.inFlight++;
    try {
      const pool = await this.piscina();
      const reply = (await pool.run(task, {
        signal: opts.signal ?? null,
        ...(opts.transferList ? { transferList: opts.transferList } : {}),
      })) as WorkerReply<T>;
      if ((reply.memoryBytes ?? 0) > this.heavyTaskBytes) this.heavy = true;
      return reply;
    } finally {
      this.inFlight--;
      this.tasksRun++;
      if (this.inFlight === 0 && (this.heavy || this.tasksRun >= this.recycleAfterTasks))
        this.scheduleRecycle();
    }
  }

  private scheduleRecycle(): void {
    this.recycleTimer = setTimeout(() => {
      this.recycleTimer = undefined;
      if (this.inFlight === 0) this.recycle();
    }, this.recycleIdleMs);
    this.recycleTimer.unref();
  }

  /** Ends the threads; the next task starts new ones. */
  private recycle(): void {
    const old = this.pool;
    if (!old) return;
    this.pool = undefined;
    this.heavy = false;
    this.tasksRun = 0;
    this.recycles++;
    const done = old.then((p) => p.destroy()).catch(() => {});
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
  }

  async close(): Promise<void> {
    clearTimeout(this.recycleTimer);
    this.recycleTimer = undefined;
    if (this.pool) await (await this.pool).destroy();
    await Promise.all([...this.retiring]);
  }
}
