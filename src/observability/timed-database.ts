/**
 * A decorator around the store's `Database` port that times every statement
 * (inside transactions too) into `QueryStats`. It changes nothing else: same
 * dialect, same transactions, same errors. `unwrapDatabase` reaches the
 * dialect object underneath (backups, benchmarks' raw handles, plans).
 */
import type { Kysely } from 'kysely';
import type { Database, InsertRows, Query, SqlExecutor } from '../store/database.js';
import type { DB } from '../store/schema.js';
import type { QueryStats } from './query-stats.js';

/**
 * Times with one `.then` per statement (cheaper than an async wrapper's extra
 * promise); a failed statement is timed too.
 */
class TimedExecutor implements SqlExecutor {
  constructor(
    private readonly x: SqlExecutor,
    private readonly stats: QueryStats,
  ) {}

  private timed<T>(sql: string, parameterCount: number, p: Promise<T>, t0: number): Promise<T> {
    return p.then(
      (v) => {
        this.stats.record(sql, parameterCount, performance.now() - t0);
        return v;
      },
      (err: unknown) => {
        this.stats.record(sql, parameterCount, performance.now() - t0);
        throw err;
      },
    );
  }

  all<R>(q: Query<R>): Promise<R[]> {
    const t0 = performance.now();
    return this.timed(q.sql, q.parameters.length, this.x.all(q), t0);
  }
  first<R>(q: Query<R>): Promise<R | undefined> {
    const t0 = performance.now();
    return this.timed(q.sql, q.parameters.length, this.x.first(q), t0);
  }
  tuples(q: Query): Promise<unknown[][]> {
    const t0 = performance.now();
    return this.timed(q.sql, q.parameters.length, this.x.tuples(q), t0);
  }
  run(q: Query): Promise<number> {
    const t0 = performance.now();
    return this.timed(q.sql, q.parameters.length, this.x.run(q), t0);
  }
  insertMany(table: keyof DB, columns: readonly string[], rows: InsertRows): Promise<number[]> {
    const t0 = performance.now();
    return this.timed(
      `insert into "${table}" (many)`,
      columns.length,
      this.x.insertMany(table, columns, rows),
      t0,
    );
  }
  runEach(sql: string, rows: readonly (readonly unknown[])[]): Promise<number[]> {
    const t0 = performance.now();
    return this.timed(sql, rows[0]?.length ?? 0, this.x.runEach(sql, rows), t0);
  }
}

export class TimedDatabase extends TimedExecutor implements Database {
  constructor(
    readonly inner: Database,
    private readonly queryStats: QueryStats,
  ) {
    super(inner, queryStats);
  }

  get dialect() {
    return this.inner.dialect;
  }
  get capabilities() {
    return this.inner.capabilities;
  }
  get kysely() {
    return this.inner.kysely;
  }
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => fn(new TimedExecutor(tx, this.queryStats)));
  }
  tokensChanged(): boolean {
    return this.inner.tokensChanged();
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  withoutTimeouts<T>(fn: (kysely: Kysely<DB>) => Promise<T>): Promise<T> {
    return this.inner.withoutTimeouts(fn);
  }
  backup(file: string): Promise<void> {
    return this.inner.backup(file);
  }
  checkpoint(): Promise<void> {
    return this.inner.checkpoint();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Wraps `db` so its statements are timed into `stats`.
 *
 * @example
 * const queries = new QueryStats({ slowMs: config.slowQueryMs });
 * const db = timeDatabase(await openDatabase(config), queries);
 */
export function timeDatabase(db: Database, stats: QueryStats): Database {
  return new TimedDatabase(db, stats);
}

/** The dialect database under any timing decorator. */
export function unwrapDatabase(db: Database): Database {
  return db instanceof TimedDatabase ? unwrapDatabase(db.inner) : db;
}
