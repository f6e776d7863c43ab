/**
 * The piscina pool that runs job tasks off the event loop. The worker file
 * sits next to this module: `worker.ts` when running from sources (tests,
 * `npm run dev`; the thread then loads tsx), `worker.js` in `dist`.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
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

export class WorkerPool {
  private readonly pool: Piscina<WorkerTask, WorkerReply>;

  constructor(readonly threads: number) {
    const entry = workerEntry();
    this.pool = new Piscina({
      filename: entry.filename,
      execArgv: entry.execArgv,
      maxThreads: threads,
      minThreads: 0,
      // Threads stay warm between jobs (venues cached) but do not hold memory forever.
      idleTimeout: 60_000,
      // Tasks beyond the threads wait in piscina's FIFO; job priority is decided before.
      maxQueue: Number.POSITIVE_INFINITY,
    });
  }

  /** Runs one task; `signal` aborts it hard (a running thread is terminated). */
  run<T>(task: WorkerTask, opts: { signal?: AbortSignal } = {}): Promise<WorkerReply<T>> {
    return this.pool.run(task, { signal: opts.signal ?? null }) as Promise<WorkerReply<T>>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
