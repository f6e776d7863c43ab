/**
 * What the main thread sends to a job worker thread and gets back. Tasks are
 * structured-cloned, but never copy the big arrays: a Monte Carlo job's
 * trade returns are one SharedArrayBuffer every chunk reads, and chunk
 * results are transferred to the main thread and on to the merge. Cancellation and progress
 * go through a small SharedArrayBuffer (`JobControl`) rather than messages:
 * a backtest's inner loop is synchronous and never reads its message port,
 * but it can read a flag, and the main thread can sample the progress word
 * at its own pace (the throttle) without one message per report.
 */
import type { ErrorCode } from '../domain/errors.js';
import type {
  BacktestRequest,
  CopyBacktestRequest,
  MonteCarloChunk,
  MonteCarloRequest,
} from '../research/index.js';
import type { LeaderSourceConfig } from '../venues/leader-source-config.js';
import type { VenueConfig } from '../venues/registry.js';

/** Int32 slots of a job's control buffer. */
export const CONTROL_CANCEL = 0;
export const CONTROL_PROGRESS = 1;
const CONTROL_SLOTS = 2;

/** Shared between the main thread and every task of one job. */
export class JobControl {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;

  constructor(buffer = new SharedArrayBuffer(CONTROL_SLOTS * 4)) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
  }

  get cancelled(): boolean {
    return Atomics.load(this.words, CONTROL_CANCEL) !== 0;
  }

  cancel(): void {
    Atomics.store(this.words, CONTROL_CANCEL, 1);
  }

  get progress(): number {
    return Atomics.load(this.words, CONTROL_PROGRESS);
  }

  set progress(percent: number) {
    Atomics.store(this.words, CONTROL_PROGRESS, Math.max(0, Math.min(100, Math.floor(percent))));
  }
}

/** The ArrayBuffers of Monte Carlo chunks, to move rather than copy between threads. */
export function chunkBuffers(chunks: readonly MonteCarloChunk[]): ArrayBuffer[] {
  return chunks.flatMap((c) => [c.finalMultiple.buffer as ArrayBuffer, c.maxDrawdown.buffer as ArrayBuffer]);
}

/**
 * What a worker thread runs: requests already parsed (a thread never sees a
 * client's body). A Monte Carlo request's returns are a Float64Array on a
 * SharedArrayBuffer, one copy for every chunk.
 */
export type WorkerTask =
  | {
      kind: 'backtest';
      /** Parsed at submission: a strategy backtest or a copy backtest. */
      request: BacktestRequest | CopyBacktestRequest;
      /** Null for a copy backtest of a source priced at the leader's fill when the venue is not ours. */
      venue: VenueConfig | null;
      venueName: string;
      /** A copy backtest's leader source. */
      source?: LeaderSourceConfig;
      control: SharedArrayBuffer;
    }
  | { kind: 'mc-chunk'; request: MonteCarloRequest; start: number; end: number; control: SharedArrayBuffer }
  | { kind: 'mc-merge'; request: MonteCarloRequest; chunks: MonteCarloChunk[] };

/**
 * A task's answer: errors come back as data so their codes survive the
 * thread boundary. A job's final result (backtest, mc-merge) is JSON text.
 */
export type WorkerReply<T = unknown> = (
  | { ok: true; value: T }
  | { ok: false; cancelled: true }
  | { ok: false; cancelled: false; code: ErrorCode; message: string }
) & {
  /** The thread's own memory when the task ended (V8 heap + ArrayBuffers), for the pool's recycling. */
  memoryBytes?: number;
};
