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
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import type { WorkerReply, WorkerTask } from './task-protocol.js';

export interface WorkerEntry {
  /** File URL of the worker module. */
  filename: string;
  execArgv: string[];
}

/** The worker entry beside this module, and how to start it. */
export function workerEntry(): WorkerEntry {
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
  /** The worker module (tests). @default workerEntry() */
  entry?: WorkerEntry;
}

/**
 * The job threads could not start: the worker file is missing (a `dist`
 * without its bundle) or failed to load. The task fails with this; the
 * service keeps running, and the next task tries again.
 */
export class WorkerStartError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'WorkerStartError';
  }
}

type Pool = Piscina<WorkerTask, WorkerReply>;

/** Created on the first task: a service that never runs a job never loads piscina. */
export class WorkerPool {
  private pool: Promise<Pool> | undefined;
  private readonly heavyTaskBytes: number;
  private readonly recycleAfterTasks: number;
  private readonly recycleIdleMs: number;
  private readonly entry: WorkerEntry | undefined;
  /** Pools whose threads failed while starting, with the cause. */
  private readonly startFailures = new WeakMap<Pool, Error>();
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
    this.entry = o.entry;
  }

  private piscina(): Promise<Pool> {
    if (!this.pool) {
      const started = this.start();
      this.pool = started;
      // A pool that could not be made is not kept: the next task looks for the worker again.
      started.catch(() => {
        if (this.pool === started) this.pool = undefined;
      });
    }
    return this.pool;
  }

  private async start(): Promise<Pool> {
    const entry = this.entry ?? workerEntry();
    const file = fileURLToPath(entry.filename);
    if (!fs.existsSync(file))
      throw new WorkerStartError(`the job worker ${file} is missing (run npm run build)`);
    const { Piscina } = await import('piscina');
    const pool = new Piscina<WorkerTask, WorkerReply>({
      filename: entry.filename,
      execArgv: entry.execArgv,
      maxThreads: this.threads,
      minThreads: 0,
      // Threads stay warm between jobs (venues cached) but do not hold memory forever.
      idleTimeout: 60_000,
      // Tasks beyond the threads wait in piscina's FIFO; job priority is decided before.
      maxQueue: Number.POSITIVE_INFINITY,
    });
    // A thread that fails while starting is reported here, not to its task: unheard, the
    // event would end the process, and piscina starts no more threads, so the task would
    // wait forever. The pool is ended instead; its tasks fail with the cause.
    pool.on('error', (err: Error) => {
      if (this.startFailures.has(pool)) return;
      this.startFailures.set(pool, err);
      // (A newer pool still starting may fail: its rejection is its own task's to report.)
      void this.pool?.then(
        (p) => p === pool && this.retire(),
        () => undefined,
      );
    });
    return pool;
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
      const reply = (await pool
        .run(task, {
          signal: opts.signal ?? null,
          ...(opts.transferList ? { transferList: opts.transferList } : {}),
        })
        .catch((err: unknown) => {
          const cause = this.startFailures.get(pool);
          throw cause
            ? new WorkerStartError(`the job worker failed to start: ${cause.message}`, { cause })
            : err;
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
    if (this.retire()) this.recycles++;
  }

  /** Ends the current pool's threads (its waiting tasks fail); false when there is none. */
  private retire(): boolean {
    const old = this.pool;
    if (!old) return false;
    this.pool = undefined;
    this.heavy = false;
    this.tasksRun = 0;
    const done = old.then((p) => p.destroy()).catch(() => {});
    this.retiring.add(done);
    void done.finally(() => this.retiring.delete(done));
    return true;
  }

  async close(): Promise<void> {
    clearTimeout(this.recycleTimer);
    this.recycleTimer = undefined;
    if (this.pool) await (await this.pool.catch(() => undefined))?.destroy();
    await Promise.all([...this.retiring]);
  }
}
