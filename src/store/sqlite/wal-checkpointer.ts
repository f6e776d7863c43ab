/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs in
 * the connection whose COMMIT pushes the log past 1,000 pages: with one
 * writer connection on the main thread, every thousandth page of writes
 * stops the event loop while the log is copied into the database file and
 * synced (a quarter of the copy fan-out's time was spent there). Here the
 * writer's automatic checkpoint is off and a worker thread with its own
 * connection checkpoints instead: PASSIVE (never waits for the writer, never
 * blocks it) a moment after writes, and TRUNCATE only when the log has grown
 * past `maxWalPages` because sustained writes kept a PASSIVE pass from ever
 * catching up (the writer then waits on its busy timeout for one copy of the
 * log, as it would have inline). If the worker cannot start, the writer
 * checkpoints inline as before.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** The log's bound, in pages, unless one transaction alone is larger. */
export const MAX_WAL_PAGES = 8_192;

export interface CheckpointerOptions {
  /** Pages of log after which a TRUNCATE checkpoint is forced. @default 8192 (32 MiB at 4 KiB pages) */
  maxWalPages?: number;
  /** Pause between a write and the checkpoint it asks for. @default 10 */
  delayMs?: number;
  busyTimeoutMs: number;
}

export interface CheckpointStats {
  passes: number;
  restarts: number;
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
let timer = null;
let closing = false;
const stats = { passes: 0, restarts: 0, failures: 0, walPages: 0 };
function pass() {
  timer = null;
  let behind = false;
  try {
    // The log file's size is the most it holds: past the bound, copy it all back and truncate it.
    if (walBytes() > workerData.maxWalPages * pageBytes) {
      db.pragma('wal_checkpoint(TRUNCATE)');
      stats.restarts++;
    } else {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)');
      stats.passes++;
      stats.walPages = r.log;
      behind = r.checkpointed < r.log;
    }
  } catch (err) {
    stats.failures++;
  }
  // Frames committed during the pass: catch up, so that the log is wholly copied at some
  // moment between two of the writer's transactions and its next one starts the log afresh.
  if (behind && !closing) timer = setTimeout(pass, 2);
  else parentPort.postMessage(stats);
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    closing = true;
    if (timer) clearTimeout(timer);
    db.close();
    parentPort.close();
    return;
  }
  if (!timer && !closing) timer = setTimeout(pass, workerData.delayMs);
});
parentPort.postMessage('ready');
`;

export class WalCheckpointer {
  readonly stats: CheckpointStats = { passes: 0, restarts: 0, failures: 0, walPages: 0 };
  private worker: Worker | undefined;
  private pending = false;

  private constructor() {}

  /**
   * Turns the writer's automatic checkpoint off once the worker is up; resolves
   * undefined (automatic checkpoints left on) when it cannot start.
   */
  static async start(
    writer: BetterSqlite3.Database,
    file: string,
    o: CheckpointerOptions,
  ): Promise<WalCheckpointer | undefined> {
    const c = new WalCheckpointer();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        busyTimeoutMs: o.busyTimeoutMs,
        maxWalPages: o.maxWalPages ?? MAX_WAL_PAGES,
        delayMs: o.delayMs ?? 10,
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
      return undefined;
    }
    worker.on('message', (s: CheckpointStats) => {
      Object.assign(c.stats, s);
      c.pending = false;
    });
    // A dead worker: the writer checkpoints inline again, nothing is lost.
    worker.on('error', () => writer.pragma('wal_autocheckpoint = 1000'));
    worker.unref();
    writer.pragma('wal_autocheckpoint = 0');
    c.worker = worker;
    return c;
  }

  /** Writes were committed: a checkpoint pass soon (one message per pass, however many commits). */
  wrote(): void {
    if (this.pending || !this.worker) return;
    this.pending = true;
    this.worker.postMessage('kick');
  }

  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    // Referenced while it closes its connection, so a process with nothing else left waits for it.
    w.ref();
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('close');
    const force = setTimeout(() => void w.terminate(), 2_000);
    await exited;
    clearTimeout(force);
  }
}
