/**
 * PostgreSQL dialect over a pg Pool. Each distinct SQL text gets a stable
 * statement name, so every pooled connection prepares it once and then only
 * binds values. Integers (bigint ids, counts, epoch-ms times) come back as
 * numbers; NUMERIC amounts stay strings, exactly as stored.
 *
 * Every wait on the server is bounded: connecting (and waiting for a pooled
 * connection), each statement (cancelled by the server at
 * `statementTimeoutMs`; given up by the driver a moment later when the server
 * does not answer at all, as in a network partition), and a transaction left
 * idle. A database that cannot answer surfaces as `UnavailableError` (503).
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { UnavailableError } from '../../domain/errors.js';
import {
  type Capabilities,
  type Database,
  type InsertRows,
  type Query,
  rowCount,
  type SqlExecutor,
} from '../database.js';
import { type AvailabilityReporter, DatabaseAvailability, isDatabaseUnavailable } from '../driver-errors.js';
import type { DB } from '../schema.js';
import { PgAuthListener } from './pg-auth-listener.js';
import { ColumnTypes, columnChunks, unnestInsertSql } from './unnest-insert.js';

const INT8_OID = 20;
/**
 * How much longer than the server's statement_timeout the driver waits for an
 * answer: long enough for the server's own cancel (a clean 57014) to arrive
 * first, short enough that a partition is noticed soon after.
 */
const QUERY_TIMEOUT_GRACE_MS = 1000;

const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

type Queryable = Pick<pg.PoolClient, 'query'>;

class StatementNames {
  private readonly names = new Map<string, string>();
  get(sql: string): string {
    let n = this.names.get(sql);
    if (n === undefined) {
      n = `tl${this.names.size}`;
      this.names.set(sql, n);
    }
    return n;
  }
}

class PgExecutor implements SqlExecutor {
  constructor(
    private readonly client: Queryable,
    private readonly names: StatementNames,
    private readonly health: DatabaseAvailability,
    private readonly columns: ColumnTypes,
  ) {}

  private exec<R>(q: Query<R>): Promise<pg.QueryResult> {
    return this.client
      .query({ name: this.names.get(q.sql), text: q.sql, values: q.parameters as unknown[] })
      .then(this.health.ok, this.health.fail);
  }
  async all<R>(q: Query<R>): Promise<R[]> {
    return (await this.exec(q)).rows as R[];
  }
  async first<R>(q: Query<R>): Promise<R | undefined> {
    return (await this.exec(q)).rows[0] as R | undefined;
  }
  async run(q: Query): Promise<number> {
    return (await this.exec(q)).rowCount ?? 0;
  }
  async tuples(q: Query): Promise<unknown[][]> {
    // A distinct statement name: pg fixes the row mode per prepared statement.
    const res = await this.client
      .query({
        name: `${this.names.get(q.sql)}a`,
        text: q.sql,
        values: q.parameters as unknown[],
        rowMode: 'array',
      })
      .then(this.health.ok, this.health.fail);
    return res.rows as unknown[][];
  }
  async insertMany(table: string, columns: readonly string[], rows: InsertRows): Promise<number[]> {
    const ids: number[] = [];
    if (rowCount(rows) === 0) return ids;
    const types = await this.columns.of(this.client, table, columns).catch(this.health.fail);
    const text = unnestInsertSql(table, columns, types);
    for (const values of columnChunks(rows, columns.length)) {
      const res = await this.client
        .query({ name: this.names.get(text), text, values })
        .then(this.health.ok, this.health.fail);
      for (const r of res.rows as { id: number }[]) ids.push(r.id);
    }
    return ids;
  }

  /** One round trip per row: batch writes on PostgreSQL use one JSON or array statement instead. */
  async runEach(sql: string, rows: readonly (readonly unknown[])[]): Promise<number[]> {
    const changes: number[] = [];
    for (const r of rows) changes.push(await this.run({ sql, parameters: r }));
    return changes;
  }
}

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** Longest wait for a new connection, or for a free one from the pool. */
  connectTimeoutMs: number;
  /** Server-side statement_timeout; the driver gives up QUERY_TIMEOUT_GRACE_MS later. 0: none. */
  statementTimeoutMs: number;
  /** Server-side idle_in_transaction_session_timeout. 0: none. */
  idleInTransactionTimeoutMs: number;
  /** Told when the database stops and starts answering (DependencyOutages logs it once). */
  availability?: AvailabilityReporter;
}

/** The pool's settings: the bounds above, and TCP keep-alive on idle connections. */
function poolConfig(o: PostgresOptions): pg.PoolConfig {
  return {
    connectionString: o.url,
    max: o.poolSize,
    types,
    connectionTimeoutMillis: o.connectTimeoutMs,
    keepAlive: true,
    ...(o.statementTimeoutMs > 0
      ? {
          statement_timeout: o.statementTimeoutMs,
          query_timeout: o.statementTimeoutMs + QUERY_TIMEOUT_GRACE_MS,
        }
      : {}),
    ...(o.idleInTransactionTimeoutMs > 0
      ? { idle_in_transaction_session_timeout: o.idleInTransactionTimeoutMs }
      : {}),
  };
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly capabilities: Capabilities = { rowLocks: true };
  readonly kysely: Kysely<DB>;
  readonly pool: pg.Pool;
  private readonly names = new StatementNames();
  private readonly columns = new ColumnTypes();
  private readonly exec: PgExecutor;
  private readonly authListener: PgAuthListener;
  private readonly health: DatabaseAvailability;

  constructor(private readonly options: PostgresOptions) {
    this.pool = new pg.Pool(poolConfig(options));
    // An idle client that errors (server restart) must not crash the process.
    this.pool.on('error', () => {});
    this.health = new DatabaseAvailability(options.availability);
    this.exec = new PgExecutor(this.pool, this.names, this.health, this.columns);
    this.kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool: this.pool }) });
    this.authListener = new PgAuthListener(options.url);
  }

  tokensChanged(): boolean {
    return this.authListener.changed();
  }

  all<R>(q: Query<R>): Promise<R[]> {
    return this.exec.all(q);
  }
  first<R>(q: Query<R>): Promise<R | undefined> {
    return this.exec.first(q);
  }
  run(q: Query): Promise<number> {
    return this.exec.run(q);
  }
  tuples(q: Query): Promise<unknown[][]> {
    return this.exec.tuples(q);
  }
  insertMany(table: keyof DB, columns: readonly string[], rows: InsertRows): Promise<number[]> {
    return this.transaction((tx) => tx.insertMany(table, columns, rows));
  }

  runEach(sql: string, rows: readonly (readonly unknown[])[]): Promise<number[]> {
    return this.transaction((tx) => tx.runEach(sql, rows));
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(this.health.fail);
    // A connection that failed is closed, not pooled: the server rolls back what it had.
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgExecutor(client, this.names, this.health, this.columns));
      await client.query('COMMIT');
      return this.health.ok(result);
    } catch (err) {
      if (isDatabaseUnavailable(err)) broken = asError(err);
      else
        await client.query('ROLLBACK').catch((e: unknown) => {
          broken = asError(e);
        });
      return this.health.fail(err);
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1').then(this.health.ok, this.health.fail);
  }

  /**
   * Runs `fn` on a connection of its own without statement deadlines: schema
   * migrations may build an index on a large table for minutes.
   */
  async withoutTimeouts<T>(fn: (kysely: Kysely<DB>) => Promise<T>): Promise<T> {
    const pool = new pg.Pool({
      ...poolConfig({ ...this.options, statementTimeoutMs: 0, idleInTransactionTimeoutMs: 0 }),
      max: 1,
    });
    pool.on('error', () => {});
    const kysely = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    try {
      return await fn(kysely);
    } finally {
      await kysely.destroy();
    }
  }

  async backup(): Promise<void> {
    throw new UnavailableError(
      'Online backup of PostgreSQL is done with pg_dump (see README), not by tradeloop backup',
    );
  }

  async checkpoint(): Promise<void> {}

  async close(): Promise<void> {
    await this.authListener.close();
    await this.kysely.destroy();
    // Kysely ends the pool only if a query went through it; most go through `exec`.
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }
}
