/**
 * SQLite dialect: one writer connection behind a FIFO lock and one reader
 * connection. In WAL mode the reader never waits for the writer, and a read
 * outside a transaction always sees the latest commit. Statements are prepared
 * once per connection and cached by SQL text. Whether a statement writes is
 * read from SQLite itself (`stmt.readonly`), so callers never route by hand.
 * Another process holding the file's lock beyond busy_timeout (SQLITE_BUSY:
 * on a write, or on a read during recovery) surfaces as `UnavailableError`
 * (503); nothing of the failed write is kept.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import {
  type Capabilities,
  type Database,
  type InsertRows,
  type Query,
  rowAt,
  rowCount,
  type SqlExecutor,
} from '../database.js';
import { type AvailabilityReporter, DatabaseAvailability } from '../driver-errors.js';
import type { DB } from '../schema.js';
import { whileBusy } from './begin-immediate.js';
import { GroupCommit } from './group-commit.js';
import { ensurePrivateFile } from './private-files.js';
import { SqliteAuthWatch } from './sqlite-auth-watch.js';
import { openSqliteConnection, type SqliteTuning } from './sqlite-connection.js';
import { type CheckpointStats, WalCheckpointer } from './wal-checkpointer.js';
import { WriteLock } from './write-lock.js';

const STATEMENT_CACHE_LIMIT = 1000;

class StatementCache {
  private readonly map = new Map<string, BetterSqlite3.Statement>();
  constructor(private readonly conn: BetterSqlite3.Database) {}

  get(sql: string): BetterSqlite3.Statement {
    let s = this.map.get(sql);
    if (s === undefined) {
      if (this.map.size >= STATEMENT_CACHE_LIMIT) this.map.clear();
      s = this.conn.prepare(sql);
      this.map.set(sql, s);
    }
    return s;
  }
}

/** Runs statements on one connection, no locking: used inside a held transaction. */
class ConnectionExecutor implements SqlExecutor {
  constructor(readonly stmts: StatementCache) {}

  async all<R>(q: Query<R>): Promise<R[]> {
    return this.stmts.get(q.sql).all(...q.parameters) as R[];
  }
  async first<R>(q: Query<R>): Promise<R | undefined> {
    const stmt = this.stmts.get(q.sql);
    // A write (INSERT/UPDATE ... RETURNING) must run to completion: `.get()` stops after one
    // row, the statement is never finished, and SQLite's WAL auto-checkpoint never runs.
    if (!stmt.readonly) return stmt.all(...q.parameters)[0] as R | undefined;
    return stmt.get(...q.parameters) as R | undefined;
  }
  async run(q: Query): Promise<number> {
    return this.stmts.get(q.sql).run(...q.parameters).changes;
  }
  async tuples(q: Query): Promise<unknown[][]> {
    return allRaw(this.stmts.get(q.sql), q.parameters);
  }
  async insertMany(table: string, columns: readonly string[], rows: InsertRows): Promise<number[]> {
    const sql = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
    return insertEach(this.stmts.get(sql), rows);
  }
  async runEach(sql: string, rows: readonly (readonly unknown[])[]): Promise<number[]> {
    return runEach(this.stmts.get(sql), rows);
  }
}

/** `stmt` once per parameter row: the rows each run changed. A plain function, so the loop stays optimised. */
function runEach(stmt: BetterSqlite3.Statement, rows: readonly (readonly unknown[])[]): number[] {
  const changes = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) changes[i] = stmt.run(...rows[i]!).changes;
  return changes;
}

/**
 * Runs `stmt` once per row, returning the ids. Values are bound (copied) by
 * run(), so a source's one scratch array serves every row. A plain function:
 * inside the async insertMany the loop lost its optimised code between calls.
 */
function insertEach(stmt: BetterSqlite3.Statement, rows: InsertRows): number[] {
  const count = rowCount(rows);
  const ids = new Array<number>(count);
  const scratch: unknown[] = [];
  for (let i = 0; i < count; i++) {
    ids[i] = Number(stmt.run(...rowAt(rows, i, scratch)).lastInsertRowid);
  }
  return ids;
}

/** `.all()` in array mode; statements are shared, so the mode is restored at once. */
function allRaw(stmt: BetterSqlite3.Statement, parameters: readonly unknown[]): unknown[][] {
  stmt.raw(true);
  try {
    return stmt.all(...parameters) as unknown[][];
  } finally {
    stmt.raw(false);
  }
}

export interface SqliteOptions extends Omit<SqliteTuning, 'readonly'> {
  file: string;
  /** Told when the database stops and starts answering (DependencyOutages logs it once). */
  availability?: AvailabilityReporter;
}

export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  readonly capabilities: Capabilities = { rowLocks: false };
  readonly kysely: Kysely<DB>;
  private readonly writer: BetterSqlite3.Database;
  private readonly reader: BetterSqlite3.Database;
  private readonly writerExec: ConnectionExecutor;
  private readonly readerStmts: StatementCache;
  private readonly lock = new WriteLock();
  private readonly group: GroupCommit<ConnectionExecutor>;
  private readonly health: DatabaseAvailability;
  private closed = false;
  private readonly authWatch: SqliteAuthWatch;
  private checkpointer: WalCheckpointer | undefined;

  /** Opens the database with WAL checkpoints in a worker thread once writes call for it (see wal-checkpointer.ts). */
  static async open(options: SqliteOptions): Promise<SqliteDatabase> {
    const db = new SqliteDatabase(options);
    if (options.file !== ':memory:')
      db.checkpointer = new WalCheckpointer(db.writer, options.file, {
        busyTimeoutMs: options.busyTimeoutMs,
        lock: db.lock,
      });
    return db;
  }

  /** Background checkpoint passes so far (undefined: the writer checkpoints inline, no worker runs). */
  get checkpointStats(): CheckpointStats | undefined {
    return this.checkpointer?.running ? { ...this.checkpointer.stats } : undefined;
  }

  constructor(readonly options: SqliteOptions) {
    this.health = new DatabaseAvailability(options.availability);
    if (options.file !== ':memory:') ensurePrivateFile(options.file);
    this.writer = openSqliteConnection(options.file, options);
    // An in-memory database cannot be shared between connections: read through the writer.
    this.reader = options.file === ':memory:' ? this.writer : openSqliteConnection(options.file, options);
    this.writerExec = new ConnectionExecutor(new StatementCache(this.writer));
    this.readerStmts = new StatementCache(this.reader);
    const writer = this.writer;
    this.group = new GroupCommit(
      {
        exec: (sql) => void this.writerExec.stmts.get(sql).run(),
        busyTimeoutMs: options.busyTimeoutMs,
        afterBatch: () => this.checkpointer?.wrote(),
        get inTransaction() {
          return writer.inTransaction;
        },
      },
      this.writerExec,
      this.lock,
      this.health,
    );
    this.kysely = new Kysely<DB>({ dialect: new SqliteDialect({ database: this.writer }) });
    this.authWatch = new SqliteAuthWatch(this.writer);
  }

  tokensChanged(): boolean {
    return this.authWatch.changed();
  }

  async all<R>(q: Query<R>): Promise<R[]> {
    const stmt = this.readerStmts.get(q.sql);
    if (stmt.readonly) {
      try {
        return stmt.all(...q.parameters) as R[];
      } catch (err) {
        return this.health.fail(err);
      }
    }
    return this.write((tx) => tx.all(q));
  }

  async first<R>(q: Query<R>): Promise<R | undefined> {
    const stmt = this.readerStmts.get(q.sql);
    if (stmt.readonly) {
      try {
        return stmt.get(...q.parameters) as R | undefined;
      } catch (err) {
        return this.health.fail(err);
      }
    }
    return this.write((tx) => tx.first(q));
  }

  run(q: Query): Promise<number> {
    return this.write((tx) => tx.run(q));
  }

  async tuples(q: Query): Promise<unknown[][]> {
    const stmt = this.readerStmts.get(q.sql);
    if (stmt.readonly) {
      try {
        return allRaw(stmt, q.parameters);
      } catch (err) {
        return this.health.fail(err);
      }
    }
    return this.write((tx) => tx.tuples(q));
  }

  insertMany(table: keyof DB, columns: readonly string[], rows: InsertRows): Promise<number[]> {
    return this.transaction((tx) => tx.insertMany(table, columns, rows));
  }

  runEach(sql: string, rows: readonly (readonly unknown[])[]): Promise<number[]> {
    return this.transaction((tx) => tx.runEach(sql, rows));
  }

  /** A single write, committed with the others of this event-loop turn (group commit). */
  private write<T>(fn: (tx: ConnectionExecutor) => Promise<T>): Promise<T> {
    return this.group.submit(fn);
  }

  /** How well group commit is batching: batches, writes, largest batch. */
  get groupCommitStats(): { batches: number; writes: number; largest: number } {
    return { ...this.group.stats };
  }

  private begin(): Promise<void> {
    const begin = this.writerExec.stmts.get('BEGIN IMMEDIATE');
    return whileBusy(() => void begin.run(), this.options.busyTimeoutMs);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await this.lock.acquire();
    try {
      await this.begin();
      const result = await fn(this.writerExec);
      this.writerExec.stmts.get('COMMIT').run();
      this.checkpointer?.wrote();
      return this.health.ok(result);
    } catch (err) {
      if (this.writer.inTransaction) this.writerExec.stmts.get('ROLLBACK').run();
      return this.health.fail(err);
    } finally {
      this.lock.release();
    }
  }

  async withoutTimeouts<T>(fn: (kysely: Kysely<DB>) => Promise<T>): Promise<T> {
    return fn(this.kysely);
  }

  async ping(): Promise<void> {
    this.reader.prepare('select 1').get();
  }

  async backup(file: string): Promise<void> {
    ensurePrivateFile(file);
    await this.reader.backup(file);
  }

  async checkpoint(): Promise<void> {
    await this.lock.acquire();
    try {
      this.writer.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.lock.release();
    }
  }

  /** Direct access for maintenance and benchmarks' bare references. */
  get rawWriter(): BetterSqlite3.Database {
    return this.writer;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.checkpointer?.stop();
    await this.lock.acquire();
    try {
      this.writer.pragma('optimize');
      this.writer.pragma('wal_checkpoint(TRUNCATE)');
      if (this.reader !== this.writer) this.reader.close();
      this.writer.close();
    } finally {
      this.lock.release();
    }
  }
}
