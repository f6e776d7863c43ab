/**
 * The job worker thread (piscina): runs one task of a backtest or a Monte
 * Carlo job. A backtest creates its venue here, in the worker, and loads the
 * candles here too: generating or parsing candles is CPU work (the simulated
 * venue takes about 0.5 s for 1,800 daily bars), which must not run on the
 * API's event loop, and this way a worker on another machine needs nothing
 * from the API. Venues are kept per thread and reused by later jobs.
 *
 * Final results come back as JSON text, serialised here: the main thread
 * stores the string as it is, so a large backtest result (thousands of
 * trades) costs the API's event loop a string copy, not a stringify. Job
 * threads also lower their own scheduling priority (SCHED_IDLE, else nice 10,
 * Linux) so that, with every core busy simulating, the API thread still
 * runs first.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { systemClock } from '../domain/clock.js';
import { isAppError, ValidationError } from '../domain/errors.js';
import {
  type MonteCarloChunk,
  mergeMonteCarloChunks,
  runBacktestRequest,
  runCopyBacktest,
  runMonteCarloChunk,
} from '../research/index.js';
import type { LeaderSource } from '../venues/leader-source.js';
import { createLeaderSource, type LeaderSourceConfig } from '../venues/leader-source-config.js';
import { createVenue, type VenueConfig } from '../venues/registry.js';
import { ReplayVenue } from '../venues/replay/replay-venue.js';
import { SimulatedVenue } from '../venues/simulated/simulated-venue.js';
import type { Venue } from '../venues/venue.js';
import { isCopyRequest } from './job-requests.js';
import { chunkBuffers, JobControl, type WorkerReply, type WorkerTask } from './task-protocol.js';

/**
 * Background priority for this thread (Linux): SCHED_IDLE through util-linux
 * `chrt`, so that a woken API thread preempts a job at once instead of
 * waiting out the job's time slice; where chrt is missing, nice 10. Both act
 * on this thread's id alone. Elsewhere a no-op.
 */
function lowerThreadPriority(): void {
  let tid: number;
  try {
    tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return; // not Linux: run at normal priority
  }
  if (!Number.isInteger(tid) || tid <= 0) return;
  try {
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 2_000 });
    return;
  } catch {
    // no chrt: fall back to nice
  }
  try {
    os.setPriority(tid, JOB_THREAD_NICE);
  } catch {
    // not permitted: run at normal priority
  }
}
const JOB_THREAD_NICE = 10;
lowerThreadPriority();

const venues = new Map<string, Promise<Venue>>();

/**
 * The two research venues that need no network are built directly: a
 * dynamic import() inside a worker thread does not go through tsx when
 * running from sources, and the registry imports venues dynamically. The
 * others (ccxt, Polymarket) go through the registry.
 */
async function build(config: VenueConfig): Promise<Venue> {
  if (config.kind === 'replay') return new ReplayVenue(systemClock, config);
  if (config.kind === 'simulated') return new SimulatedVenue(systemClock, config);
  return createVenue(config, systemClock);
}

function venueFor(config: VenueConfig): Promise<Venue> {
  const key = JSON.stringify(config);
  let v = venues.get(key);
  if (!v) {
    v = build(config);
    venues.set(key, v);
    v.catch(() => venues.delete(key));
  }
  return v;
}

const sources = new Map<string, LeaderSource>();

/** Leader sources, kept per thread like venues (the simulated one builds its population once). */
function sourceFor(config: LeaderSourceConfig): LeaderSource {
  const key = JSON.stringify(config);
  let s = sources.get(key);
  if (!s) {
    s = createLeaderSource(config, systemClock);
    sources.set(key, s);
  }
  return s;
}

const CANCELLED = Symbol('cancelled');

async function backtest(task: Extract<WorkerTask, { kind: 'backtest' }>): Promise<unknown> {
  const control = new JobControl(task.control);
  const abort = new AbortController();
  const check = () => {
    if (control.cancelled && !abort.signal.aborted) abort.abort(CANCELLED);
  };
  // While candles load (async) the flag is polled; in the synchronous loop, at each progress report.
  const poll = setInterval(check, 20);
  try {
    const onProgress = (p: number) => {
      control.progress = p;
      check();
    };
    const req = task.request;
    if (isCopyRequest(req)) {
      if (!task.source) throw new ValidationError('a copy backtest needs its leader source');
      const venue = task.venue ? await venueFor(task.venue) : null;
      return await runCopyBacktest(req, sourceFor(task.source), venue, { signal: abort.signal, onProgress });
    }
    if (!task.venue) throw new ValidationError(`venue ${task.venueName} is not available here`);
    const venue = await venueFor(task.venue);
    return await runBacktestRequest(req, venue, { signal: abort.signal, onProgress });
  } finally {
    clearInterval(poll);
  }
}

function chunk(task: Extract<WorkerTask, { kind: 'mc-chunk' }>): MonteCarloChunk {
  if (new JobControl(task.control).cancelled) throw CANCELLED;
  return runMonteCarloChunk(task.request, task.start, task.end);
}

/** This thread's isolate: its V8 heap and its ArrayBuffers (rss would be the whole process's). */
function threadMemory(): number {
  const m = process.memoryUsage();
  return m.heapTotal + m.arrayBuffers;
}

/** The reply, with the chunk's arrays moved to the main thread rather than copied. */
function movedChunk(value: MonteCarloChunk): unknown {
  const reply: WorkerReply<MonteCarloChunk> = { ok: true, value, memoryBytes: threadMemory() };
  return move({
    get [transferableSymbol]() {
      return chunkBuffers([value]);
    },
    get [valueSymbol]() {
      return reply;
    },
  } as never);
}

export default async function run(task: WorkerTask): Promise<WorkerReply | unknown> {
  try {
    switch (task.kind) {
      case 'backtest': {
        const value = JSON.stringify(await backtest(task));
        return { ok: true, value, memoryBytes: threadMemory() };
      }
      case 'mc-chunk':
        return movedChunk(chunk(task));
      case 'mc-merge': {
        const value = JSON.stringify(mergeMonteCarloChunks(task.request, task.chunks));
        return { ok: true, value, memoryBytes: threadMemory() };
      }
    }
  } catch (err) {
    if (err === CANCELLED) return { ok: false, cancelled: true };
    if (isAppError(err)) return { ok: false, cancelled: false, code: err.code, message: err.message };
    return {
      ok: false,
      cancelled: false,
      code: 'JOB_FAILED',
      message: err instanceof Error ? err.message : String(err),
    };
  }
}
