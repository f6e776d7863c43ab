/**
 * Opening and tuning one better-sqlite3 connection: WAL, synchronous level,
 * busy timeout, foreign keys, in-memory temp store, sized page cache and mmap,
 * plus the `dec_add`, `dec_mul` and `dec_pnl` SQL functions and the `dec_sum`
 * aggregate (PostgreSQL's `sum` over NUMERIC), exact on canonical decimal strings.
 */
import BetterSqlite3 from 'better-sqlite3';
import { dec, type Exact, exact, formatExact, parseExact, ZERO } from '../../domain/decimal.js';
import { positionPnl } from '../../domain/position.js';
import { canonicalAmount } from '../amounts.js';

/**
 * Page size of a new database file (an existing file keeps its own). 8 KiB
 * instead of SQLite's 4 KiB: a copy fan-out dirties one page per follower in
 * every per-user index, and each dirty page costs a WAL frame, a checkpoint
 * write and a B-tree level; see README, "How it is fast" (SQLite).
 */
export const SQLITE_PAGE_BYTES = 8192;

export interface SqliteTuning {
  synchronous: 'normal' | 'full';
  cacheMb: number;
  mmapMb: number;
  /** How long a statement waits for another process's lock before SQLITE_BUSY (it blocks the thread meanwhile). */
  busyTimeoutMs: number;
  readonly?: boolean;
}

export function openSqliteConnection(file: string, tuning: SqliteTuning): BetterSqlite3.Database {
  const db = new BetterSqlite3(file, {
    readonly: tuning.readonly ?? false,
    fileMustExist: tuning.readonly ?? false,
  });
  if (!tuning.readonly) {
    // The page size must be set before WAL is: in WAL mode a file's page size no longer changes.
    db.pragma(`page_size = ${SQLITE_PAGE_BYTES}`);
    db.pragma('journal_mode = WAL');
  }
  db.pragma(`synchronous = ${tuning.synchronous.toUpperCase()}`);
  db.pragma(`busy_timeout = ${tuning.busyTimeoutMs}`);
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = -${tuning.cacheMb * 1024}`);
  db.pragma(`mmap_size = ${tuning.mmapMb * 1024 * 1024}`);
  db.function('dec_add', { deterministic: true }, (a: unknown, b: unknown) =>
    dec.add(canonicalAmount(a ?? '0'), canonicalAmount(b ?? '0')),
  );
  db.function('dec_sub', { deterministic: true }, (a: unknown, b: unknown) =>
    dec.sub(canonicalAmount(a ?? '0'), canonicalAmount(b ?? '0')),
  );
  db.function('dec_mul', { deterministic: true }, (a: unknown, b: unknown) =>
    dec.mul(canonicalAmount(a ?? '0'), canonicalAmount(b ?? '0')),
  );
  // Summed as exact integers and scales; null rows are skipped, as SQL's sum does.
  db.aggregate('dec_sum', {
    start: (): Exact => ZERO,
    step: (total: Exact, v: unknown) =>
      v === null || v === undefined ? total : exact.add(total, parseExact(canonicalAmount(v))),
    result: (total: Exact) => formatExact(total),
    deterministic: true,
  });
  db.function(
    'dec_pnl',
    { deterministic: true },
    (side: unknown, size: unknown, entry: unknown, price: unknown) =>
      positionPnl(
        side === 'short' ? 'short' : 'long',
        canonicalAmount(size),
        canonicalAmount(entry),
        canonicalAmount(price),
      ),
  );
  return db;
}
