/**
 * The piscina pool that runs job tasks off the event loop. The worker file
 * sits next to this module: `worker.ts` when running from sources (tests,
 * `npm run dev`; the thread then loads tsx), `worker.js` in `dist`.
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

/** Created on the first task: a service that never runs a job never loads piscina. */
export class WorkerPool {
  private pool: Promise<Piscina<WorkerTask, WorkerReply>> | undefined;

  constructor(readonly threads: number) {}

  private piscina(): Promise<Piscina<WorkerTask, WorkerReply>> {
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

  /** Runs one task; `signal` aborts it hard (a running thread is terminated). */
  async run<T>(task: WorkerTask, opts: { signal?: AbortSignal } = {}): Promise<WorkerReply<T>> {
    const pool = await this.piscina();
    return pool.run(task, { signal: opts.signal ?? null }) as Promise<WorkerReply<T>>;
  }

  async close(): Promise<void> {
    if (this.pool) await (await this.pool).destroy();
  }
}
