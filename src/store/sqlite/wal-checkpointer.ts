/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs in
 * the connection whose COMMIT pushes the log past 1,000 pages: with one
 * writer connection on the main thread, every thousandth page of writes
 * stops the event loop while the log is copied into the database file and
 * synced (a quarter of the copy fan-out's time was spent there). Here the
 * writer's automatic checkpoint is off and a worker thread with its own
 * connection checkpoints instead: PASSIVE (never waits for the writer, never
 * blocks it) a moment after writes.
 *
 * A log wholly copied starts afresh only when a transaction begins while
 * nothing is left to copy, and under sustained writes (the copy engine
 * commits every few ms) a pass never ends in such a gap: the log grew to
 * `maxWalPages` and a TRUNCATE of all of it held the writer 20-340 ms, on
 * SQLite's busy sleeps, dozens of times a minute (copy-sustained,
 * 2026-12-05). So once a pass has copied a log of `resetPages` or more, the
 * worker asks for a quiet window: this thread takes the write lock (writes
 * queue behind it, the event loop runs on), the worker copies the frames
 * committed since its pass, and the lock is released: the log, copied to its
 * last frame, starts afresh at the writer's next transaction (SQLite's own
 * restart of a wholly copied log). The window used to TRUNCATE the log
 * instead, whose truncation and sync the writer waited for too: 6-12 ms of
 * windows of 15-50 ms in the copy-fanout bench (2026-12-06). A window is the
 * price of the copy of one commit's frames, so the fewer frames a commit
 * writes, the cheaper (see the README on the fan-out's history). The
 * TRUNCATE of a log past `maxWalPages` stays as the bound if windows keep
 * failing, or do not come.
 *
 * Nothing here waits for this thread's event loop but the window itself: a
 * commit asks for a pass through a flag shared with the worker, which clears
 * it when the pass starts. A thread that commits page after page without
 * turning its event loop (all its awaits already resolved) never reads the
 * worker's messages; when the flag waited for them, the first pass was the
 * last and the log grew to 1.3 GB in the copy-fanout bench (2026-12-06).
 *
 * The worker is a thread with its own V8 heap (~6 MiB resident), which a
 * quiet service does not need: it starts when the log first reaches
 * `startPages` (SQLite's own automatic checkpoint size, so the writer copies
 * at most one such log inline, once). Until then, and if the worker cannot
 * start, the writer checkpoints inline as SQLite does by default.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { WriteLock } from './write-lock.js';

/** The log's bound, in pages, unless one transaction alone is larger. */
export const MAX_WAL_PAGES = 8_192;
/** A copied log at least this long is reset in a quiet window (see above). */
export const RESET_WAL_PAGES = 2_048;
/** The log, in pages, at which the worker starts: the writer's automatic checkpoint size. */
export const START_WAL_PAGES = 1_000;
/** The least time between two looks at the log's size while no worker runs. */
const START_CHECK_MS = 100;
/** The longest a quiet window holds the write lock, whatever the worker does. */
const QUIET_WINDOW_MAX_MS = 1_000;

export interface CheckpointerOptions {
  /** Pages of log after which a TRUNCATE checkpoint is forced. @default 8192 (64 MiB at SQLITE_PAGE_BYTES = 8 KiB) */
  maxWalPages?: number;
  /** Log pages copied after which the log is reset in a quiet window. @default 2048 */
  resetPages?: number;
  /** Log pages at which the worker starts. @default 1000 */
  startPages?: number;
  /** Pause between a write and the checkpoint it asks for. @default 10 */
  delayMs?: number;
  busyTimeoutMs: number;
  /** The writer's lock: held for a quiet window. */
  lock: WriteLock;
}

export interface CheckpointStats {
  passes: number;
  /** TRUNCATEs of a log past the bound (the writer waits out the copy of all of it). */
  restarts: number;
  /** Logs wholly copied in a quiet window, to start afresh at the next write (only what came since the last pass left to copy). */
  resets: number;
  failures: number;
  /** Log pages at the last pass. */
  walPages: number;
}

/** The worker: a CommonJS script (eval), given the module path of better-sqlite3 and the file. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const pageBytes = db.pragma('page_size', { simple: true }) + 24;
const walBytes = () => { try { return fs.statSync(workerData.file + '-wal').size; } catch { return 0; } };
// Set by the writer when it asks for a pass, cleared here when a pass starts (see the header).
const asked = new Int32Array(workerData.asked);
let timer = null;
let closing = false;
let quiet = false; // a quiet window is asked for: only the bound is kept until it is given
// A window copied the whole log (of this many frames): the writer's next transaction starts it afresh.
let restartAt = 0;
const stats = { passes: 0, restarts: 0, resets: 0, failures: 0, walPages: 0 };
function pass() {
  timer = null;
  Atomics.store(asked, 0, 0);
  let behind = false;
  let copied = false;
  try {
    // The log file's size is the most it holds: past the bound, copy it all back and truncate it.
    if (walBytes() > workerData.maxWalPages * pageBytes) {
      db.pragma('wal_checkpoint(TRUNCATE)');
      stats.restarts++;
    } else if (!quiet) {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      stats.passes++;
      stats.walPages = r.log;
      behind = r.checkpointed < r.log;
      // Not again while the writer has yet to start the log afresh after a window (it grows on
      // only when a reader held its place then: another window's worth later, one more).
      if (r.log < restartAt || r.log >= restartAt + workerData.resetPages) restartAt = 0;
      copied = !behind && r.log >= workerData.resetPages && restartAt === 0;
    }
  } catch (err) {
    stats.failures++;
  }
  if (closing || quiet) return;
  // Frames committed during the pass: catch up first.
  if (behind) timer = setTimeout(pass, 2);
  else if (copied) {
    quiet = true;
    parentPort.postMessage({ kind: 'quiet' });
  } else parentPort.postMessage({ kind: 'stats', stats });
}
// In the quiet window: no transaction is open, so only the frames since the last pass are copied.
// A reader still in the log makes it give up (busy), never wait.
function reset() {
  quiet = false;
  try {
    db.pragma('busy_timeout = 0');
    // Copied to the last frame, the log starts afresh at the writer's next transaction (SQLite
    // restarts a wholly copied log that no reader is in): no truncation, whose sync the writer
    // would wait for too. The file keeps its size, at most the bound.
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r.busy === 0 && r.checkpointed === r.log) {
      stats.resets++;
      restartAt = r.log;
    }
  } catch (err) {
    stats.failures++;
  } finally {
    db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
  }
  parentPort.postMessage({ kind: 'reset', stats });
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    closing = true;
    if (timer) clearTimeout(timer);
    db.close();
    parentPort.close();
    return;
  }
  if (m === 'quiet') return reset();
  if (!timer && !closing) timer = setTimeout(pass, workerData.delayMs);
});
parentPort.postMessage('ready');
`;

type WorkerMessage =
  | { kind: 'stats'; stats: CheckpointStats }
  | { kind: 'quiet' }
  | { kind: 'reset'; stats: CheckpointStats };

export class WalCheckpointer {
  readonly stats: CheckpointStats = { passes: 0, restarts: 0, resets: 0, failures: 0, walPages: 0 };
  private worker: Worker | undefined;
  /** The worker's start, once the log asked for it (settles when it is up or failed). */
  private starting: Promise<void> | undefined;
  /** Shared with the worker: 1 from a commit's request until the pass it asked for starts. */
  private readonly asked = new Int32Array(new SharedArrayBuffer(4));
  private windowDone: (() => void) | undefined;
  private readonly walFile: string;
  private readonly startBytes: number;
  private lastLook = Number.NEGATIVE_INFINITY;

  /**
   * No thread yet: the writer's automatic checkpoint stays on until the log
   * reaches `startPages` and the worker is up (see the header).
   */
  constructor(
    private readonly writer: BetterSqlite3.Database,
    private readonly file: string,
    private readonly o: CheckpointerOptions,
  ) {
    this.walFile = `${file}-wal`;
    const pageBytes = (writer.pragma('page_size', { simple: true }) as number) + 24;
    this.startBytes = (o.startPages ?? START_WAL_PAGES) * pageBytes;
  }

  /** Whether the worker thread runs (false: the writer checkpoints inline). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Writes were committed: a checkpoint pass soon (one message per pass, however many commits). */
  wrote(): void {
    if (!this.worker) {
      this.maybeStart();
      return;
    }
    if (Atomics.exchange(this.asked, 0, 1) === 1) return;
    this.worker.postMessage('kick');
  }

  /** Starts the worker once the log has grown to its start size (looked at every START_CHECK_MS at most). */
  private maybeStart(): void {
    if (this.starting) return;
    const now = performance.now();
    if (now - this.lastLook < START_CHECK_MS) return;
    this.lastLook = now;
    const size = fs.statSync(this.walFile, { throwIfNoEntry: false })?.size ?? 0;
    if (size >= this.startBytes) this.starting = this.start();
  }

  /** Turns the writer's automatic checkpoint off once the worker is up; leaves it on when it cannot start. */
  private async start(): Promise<void> {
    const o = this.o;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: this.file,
        busyTimeoutMs: o.busyTimeoutMs,
        maxWalPages: o.maxWalPages ?? MAX_WAL_PAGES,
        resetPages: o.resetPages ?? RESET_WAL_PAGES,
        delayMs: o.delayMs ?? 10,
        asked: this.asked.buffer,
      },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    const ready = await new Promise<boolean>((resolve) => {
      worker.once('message', (m) => resolve(m === 'ready'));
      worker.once('error', () => resolve(false));
      worker.once('exit', () => resolve(false));
    });
    if (!ready) {
      await worker.terminate();
      return;
    }
    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'quiet') {
        void this.quietWindow();
        return;
      }
      Object.assign(this.stats, m.stats);
      if (m.kind === 'reset') this.windowDone?.();
    });
    // A dead worker: the writer checkpoints inline again, nothing is lost.
    worker.on('error', () => {
      this.writer.pragma(`wal_autocheckpoint = ${START_WAL_PAGES}`);
      this.windowDone?.();
    });
    worker.unref();
    this.writer.pragma('wal_autocheckpoint = 0');
    this.worker = worker;
    this.wrote();
  }

  /** Holds the write lock (writes queue, the event loop runs on) while the worker resets the log. */
  private async quietWindow(): Promise<void> {
    await this.o.lock.acquire();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const worker = this.worker;
      if (!worker) return;
      const done = new Promise<void>((resolve) => {
        this.windowDone = resolve;
        timer = setTimeout(resolve, QUIET_WINDOW_MAX_MS);
      });
      worker.postMessage('quiet');
      await done;
    } finally {
      clearTimeout(timer);
      this.windowDone = undefined;
      this.o.lock.release();
    }
  }

  async stop(): Promise<void> {
    await this.starting;
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    this.windowDone?.();
    // Referenced while it closes its connection, so a process with nothing else left waits for it.
    w.ref();
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('close');
    const force = setTimeout(() => void w.terminate(), 2_000);
    await exited;
    clearTimeout(force);
  }
}
