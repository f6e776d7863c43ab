/**
 * Runs one job to its end in the worker pool and records each step: start
 * (a conditional queued -> running), progress (sampled from the job's shared
 * control buffer every `progressEveryMs` and written only when it moved by
 * at least 1 %), then the outcome. Used by both executors, so an embedded
 * job and a BullMQ job run the very same code.
 *
 * Stopping a job (cancel, timeout, shutdown) sets its cancel flag, which the
 * worker notices at its next progress step; a task that has not stopped
 * after `hardAbortAfterMs` (stuck in I/O, say) has its thread terminated.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from '../domain/clock.js';
import type { JobStatus } from '../domain/job.js';
import {
  type BacktestRequest,
  type CopyBacktestRequest,
  chunkRanges,
  type MonteCarloChunk,
  type MonteCarloRequest,
  parseMonteCarloRequest,
} from '../research/index.js';
import { type Job, type JobError, OPEN_STATUSES } from '../store/job-records.js';
import type { JobRepository } from '../store/job-repository.js';
import { isCopyRequest, parseBacktestSubmission } from './job-requests.js';
import type { ResearchVenues } from './research-venues.js';
import { chunkBuffers, JobControl, type WorkerReply } from './task-protocol.js';
import { type WorkerPool, WorkerStartError } from './worker-pool.js';

export type StopReason = 'cancel' | 'timeout' | 'shutdown';

export interface JobRunnerOptions {
  repo: JobRepository;
  pool: WorkerPool;
  venues: ResearchVenues;
  /** Timestamps and timeouts. */
  clock: Clock;
  /** How often a running job's progress is sampled (wall time). @default 250 */
  progressEveryMs?: number;
  /** After a stop, how long a task may take to notice before its thread is terminated. @default 2000 */
  hardAbortAfterMs?: number;
  /** Errors no request is waiting for (a failed progress write). */
  onError?: (err: unknown) => void;
  /** A job this runner ran reached a final status, after `ms` of run time here (process-local metrics). */
  onSettled?: (type: Job['type'], status: SettledStatus, ms: number) => void;
}

/** The final statuses a run can end in (a shutdown puts the job back in the queue instead). */
export type SettledStatus = Extract<JobStatus, 'succeeded' | 'failed' | 'timed_out' | 'cancelled'>;

interface Active {
  control: JobControl;
  hard: AbortController;
  reason?: StopReason;
  hardTimer?: ReturnType<typeof setTimeout>;
}

/** Monte Carlo chunks per thread: small enough to balance and to report progress, large enough to amortise. */
const CHUNKS_PER_THREAD = 4;
const MIN_CHUNK_PATHS = 1000;
/** Path-trades per chunk at most (about 0.2 s): a cancel or timeout is noticed at the next chunk. */
const MAX_CHUNK_STEPS = 20_000_000;
/** How long a cancel for a job not (yet) running here is remembered. */
const EARLY_CANCEL_MS = 10_000;

/**
 * The backtest a job runs: the request the API parsed at submission, stored
 * with the job; a row written before requests were stored is parsed here.
 */
export function backtestRequestOf(
  job: Job,
  venues: readonly string[],
): BacktestRequest | CopyBacktestRequest {
  // Written by JobManager.submit from parseBacktestSubmission's result, in this same service.
  if (job.request !== undefined) return job.request as BacktestRequest | CopyBacktestRequest;
  return parseBacktestSubmission(job.params, venues).request;
}

/**
 * The Monte Carlo request a job runs, with its returns on a SharedArrayBuffer
 * that every chunk's thread reads. The stored params were validated at
 * submission (with `fromJob` resolved into the returns); they are turned into
 * the typed request once here, never in the threads.
 */
export function monteCarloRequestOf(job: Job): MonteCarloRequest {
  const { fromJob: _from, ...fields } = job.params as Record<string, unknown>;
  const req = parseMonteCarloRequest(fields);
  const shared = new Float64Array(new SharedArrayBuffer(req.tradeReturns.byteLength));
  shared.set(req.tradeReturns);
  return { ...req, tradeReturns: shared };
}

export class JobRunner {
  private readonly active = new Map<number, Active>();
  /** Cancels that arrived just before their job registered here (a cancel racing the start). */
  private readonly early = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly progressEveryMs: number;
  private readonly hardAbortAfterMs: number;

  constructor(private readonly o: JobRunnerOptions) {
    this.progressEveryMs = o.progressEveryMs ?? 250;
    this.hardAbortAfterMs = o.hardAbortAfterMs ?? 2000;
  }

  /** Jobs running here now. */
  get running(): number {
    return this.active.size;
  }

  /**
   * Runs job `id` if it can start; resolves to its final status, or undefined
   * when it was not there to run (cancelled before it started, already done).
   * With `restart`, a job still marked running (its worker was lost) runs again.
   */
  async run(id: number, opts: { restart?: boolean } = {}): Promise<JobStatus | undefined> {
    const { repo, clock } = this.o;
    const job = await repo.findById(id);
    if (!job || !OPEN_STATUSES.includes(job.status)) return undefined;
    if (!(await repo.start(id, clock.now(), opts.restart ?? false))) return undefined;
    const startedMs = performance.now();
    const a: Active = { control: new JobControl(), hard: new AbortController() };
    // One signal serves every chunk of a Monte Carlo job (piscina adds a listener per task).
    setMaxListeners(0, a.hard.signal);
    this.active.set(id, a);
    if (this.early.has(id)) this.stop(id, 'cancel');
    const cancelTimeout = clock.setTimer(job.timeoutMs, () => this.stop(id, 'timeout'));
    let written = 0;
    const sampler = setInterval(() => {
      const p = a.control.progress;
      if (p >= written + 1 && p < 100) {
        written = p;
        repo.progress(id, p, clock.now()).catch((err: unknown) => this.o.onError?.(err));
      }
    }, this.progressEveryMs);
    sampler.unref();
    try {
      let reply: WorkerReply<string>;
      try {
        reply = job.type === 'backtest' ? await this.backtest(job, a) : await this.monteCarlo(job, a);
      } catch (err) {
        // The pool rejects when a stopped task's thread was terminated, or the pool itself failed.
        if (err instanceof WorkerStartError) this.o.onError?.(err);
        reply = a.reason
          ? { ok: false, cancelled: true }
          : { ok: false, cancelled: false, code: 'JOB_FAILED', message: failureMessage(err) };
      }
      const status = await this.settle(job, a, reply);
      if (status !== undefined && status !== 'queued' && status !== 'running')
        this.o.onSettled?.(job.type, status as SettledStatus, performance.now() - startedMs);
      return status;
    } finally {
      clearInterval(sampler);
      cancelTimeout();
      if (a.hardTimer) clearTimeout(a.hardTimer);
      this.active.delete(id);
    }
  }

  /** Asks job `id` to stop, if it runs here; false otherwise. */
  stop(id: number, reason: StopReason): boolean {
    const a = this.active.get(id);
    if (!a && reason === 'cancel' && !this.early.has(id)) {
      const t = setTimeout(() => this.early.delete(id), EARLY_CANCEL_MS);
      t.unref();
      this.early.set(id, t);
    }
    if (!a || a.reason) return false;
    a.reason = reason;
    a.control.cancel();
    a.hardTimer = setTimeout(() => a.hard.abort(), this.hardAbortAfterMs);
    a.hardTimer.unref();
    return true;
  }

  /** Stops every job running here (shutdown: they go back to the queue). */
  stopAll(reason: StopReason): void {
    for (const id of [...this.active.keys()]) this.stop(id, reason);
  }

  private async settle(job: Job, a: Active, reply: WorkerReply<string>): Promise<JobStatus | undefined> {
    const { repo, clock } = this.o;
    const now = clock.now();
    if (reply.ok) {
      return (await repo.finish(job.id, 'succeeded', { resultJson: reply.value, progress: 100 }, now))
        ? 'succeeded'
        : undefined;
    }
    if (!reply.cancelled) {
      const error = { code: reply.code, message: reply.message };
      return (await repo.finish(job.id, 'failed', { error }, now)) ? 'failed' : undefined;
    }
    switch (a.reason ?? 'cancel') {
      case 'timeout': {
        const error: JobError = {
          code: 'TIMED_OUT',
          message: `the job ran longer than its timeout of ${job.timeoutMs} ms`,
        };
        return (await repo.finish(job.id, 'timed_out', { error }, now)) ? 'timed_out' : undefined;
      }
      case 'shutdown':
        return (await repo.requeue(job.id, now)) ? 'queued' : undefined;
      case 'cancel': {
        const error: JobError = { code: 'CANCELLED', message: 'cancelled by the user' };
        return (await repo.close(job.id, 'cancelled', { error }, now)) ? 'cancelled' : undefined;
      }
    }
  }

  private backtest(job: Job, a: Active): Promise<WorkerReply<string>> {
    const request = backtestRequestOf(job, this.o.venues.names);
    const name = request.venue;
    const venue = this.o.venues.configFor(name);
    const refuse = (message: string): Promise<WorkerReply<string>> =>
      Promise.resolve({ ok: false, cancelled: false, code: 'VALIDATION_FAILED', message });
    const copy = isCopyRequest(request);
    const source = copy ? this.o.venues.sourceConfigFor(request.source) : undefined;
    if (copy && !source) return refuse(`source ${request.source} is not available here`);
    if (!venue && !copy)
      return refuse(`venue ${name} is not available here; known: ${this.o.venues.names.join(', ')}`);
    return this.o.pool.run(
      {
        kind: 'backtest',
        request,
        venue: venue ?? null,
        venueName: name,
        ...(source ? { source } : {}),
        control: a.control.buffer,
      },
      { signal: a.hard.signal },
    );
  }

  /** Paths split into chunks across the pool's threads, then merged (and sorted) in a worker too. */
  private async monteCarlo(job: Job, a: Active): Promise<WorkerReply<string>> {
    const { pool } = this.o;
    const req = monteCarloRequestOf(job);
    const draws = req.method === 'reshuffle' ? req.tradeReturns.length : req.tradesPerPath;
    const size = Math.max(
      1,
      Math.min(
        Math.max(MIN_CHUNK_PATHS, Math.ceil(req.paths / (pool.threads * CHUNKS_PER_THREAD))),
        Math.floor(MAX_CHUNK_STEPS / draws),
      ),
    );
    let done = 0;
    const replies = await Promise.all(
      chunkRanges(req.paths, size).map(async ([start, end]) => {
        const r = await pool.run<MonteCarloChunk>(
          { kind: 'mc-chunk', request: req, start, end, control: a.control.buffer },
          { signal: a.hard.signal },
        );
        done += end - start;
        // 100 only once merged.
        a.control.progress = Math.min(99, (done / req.paths) * 100);
        return r;
      }),
    );
    const chunks: MonteCarloChunk[] = [];
    for (const r of replies) {
      if (!r.ok) return r;
      chunks.push(r.value);
    }
    if (a.control.cancelled) return { ok: false, cancelled: true };
    return pool.run<string>(
      { kind: 'mc-merge', request: req, chunks },
      { signal: a.hard.signal, transferList: chunkBuffers(chunks) },
    );
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What a job's owner reads when it failed: a thread that could not start is the operator's (logged), not the user's. */
function failureMessage(err: unknown): string {
  return err instanceof WorkerStartError
    ? 'the job worker could not start; the service log has the cause'
    : errorMessage(err);
}
