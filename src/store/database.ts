/**
 * The store's port: a dialect-neutral executor for compiled SQL and a
 * transaction boundary. Repositories build their SQL with Kysely (type-checked)
 * and run it here; each dialect decides how to run it fast (cached prepared
 * statements on SQLite, named server-side statements on PostgreSQL).
 *
 * Failures: a database that cannot answer (down, unreachable, too many
 * clients, a statement past its deadline, SQLite locked by another process)
 * rejects with `UnavailableError` for the `database` dependency; a statement
 * the database refuses (a constraint) rejects with the driver's own error,
 * which `constraint-errors.ts` reads.
 */
import type { Kysely } from 'kysely';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** SQL ready to run. `R` is the row type it returns. */
export interface Query<R = unknown> {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** Phantom field carrying the row type; never set. */
  readonly __row?: R;
}

/**
 * Rows for `insertMany` that write themselves, one at a time, into an array
 * the executor reuses: a bulk insert of 10,000 rows then allocates no array
 * per row (and keeps none alive until the statement runs).
 */
export interface RowSource {
  readonly count: number;
  /** Writes row `i`'s values into `into`, in column order. */
  write(i: number, into: unknown[]): void;
}

/** Rows as arrays, or written on demand. */
export type InsertRows = readonly unknown[][] | RowSource;

/** Row `i` of `rows`: the array itself, or `scratch` filled by the source. */
export function rowAt(rows: InsertRows, i: number, scratch: unknown[]): readonly unknown[] {
  if (Array.isArray(rows)) return rows[i] as unknown[];
  (rows as RowSource).write(i, scratch);
  return scratch;
}

export const rowCount = (rows: InsertRows): number =>
  Array.isArray(rows) ? rows.length : (rows as RowSource).count;

export interface SqlExecutor {
  all<R>(q: Query<R>): Promise<R[]>;
  first<R>(q: Query<R>): Promise<R | undefined>;
  /**
   * Rows as arrays in select order. Building row objects dominates wide list
   * reads (about 3x the cost of arrays in better-sqlite3), so hot lists read
   * tuples and build their domain objects directly.
   */
  tuples(q: Query): Promise<unknown[][]>;
  /** Runs a statement that returns no rows; resolves to the number of rows it changed. */
  run(q: Query): Promise<number>;
  /**
   * Inserts many rows of one shape into `table`, returning their ids in order.
   * SQLite runs one cached statement per row; PostgreSQL sends multi-row chunks.
   */
  insertMany(table: keyof DB, columns: readonly string[], rows: InsertRows): Promise<number[]>;
  /**
   * Runs a statement that returns no rows once per parameter row, in order;
   * resolves to the rows each run changed. SQLite runs one cached statement
   * per row, in-process: for a thousand rows of trader stats that costs a
   * third of unpacking the same rows from JSON in one statement (a RETURNING
   * clause would cost more than it saves: SQLite sets one up per run). On
   * PostgreSQL every row is a round trip, so batch writes use one JSON or
   * array statement there instead.
   */
  runEach(sql: string, rows: readonly (readonly unknown[])[]): Promise<number[]>;
}

export interface Capabilities {
  /** `SELECT ... FOR UPDATE` is meaningful (PostgreSQL); SQLite's single writer already serialises. */
  rowLocks: boolean;
}

export interface Database extends SqlExecutor {
  readonly dialect: Dialect;
  readonly capabilities: Capabilities;
  /** Query builder and migrator access. Build queries with it; run them through the executor. */
  readonly kysely: Kysely<DB>;
  /**
   * Runs `fn` in one transaction and commits before resolving. Never await
   * network I/O inside: on SQLite the writer is held for the whole callback.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Whether who a token belongs to may have changed in another process or
   * instance since the last call (a user deleted, a token revoked or rotated):
   * the token cache must then be dropped. True when it cannot tell. Called on
   * every authenticated request, so it answers from memory or one pragma.
   */
  tokensChanged(): boolean;
  /** Cheap liveness probe; throws `UnavailableError` when the database does not answer. */
  ping(): Promise<void>;
  /**
   * Runs schema work (migrations) without the statement deadlines that bound
   * the service's own queries: an index build on a large table may take
   * minutes. PostgreSQL lends `fn` a connection of its own; SQLite has no such deadline.
   */
  withoutTimeouts<T>(fn: (kysely: Kysely<DB>) => Promise<T>): Promise<T>;
  /** Online backup to a file (SQLite backup API). */
  backup(file: string): Promise<void>;
  /** Flushes the WAL into the main file (SQLite); no-op elsewhere. */
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}
