/**
 * PostgreSQL dialect over a pg Pool. Each distinct SQL text gets a stable
 * statement name, so every pooled connection prepares it once and then only
 * binds values. Integers (bigint ids, counts, epoch-ms times) come back as
 * numbers; NUMERIC amounts stay strings, exactly as stored.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { UnavailableError } from '../../domain/errors.js';
import type { Capabilities, Database, Query, SqlExecutor } from '../database.js';
import type { DB } from '../schema.js';
import { PgAuthListener } from './pg-auth-listener.js';

const INT8_OID = 20;
const INSERT_CHUNK_ROWS = 1000;

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
  ) {}

  private exec<R>(q: Query<R>): Promise<pg.QueryResult> {
    return this.client.query({ name: this.names.get(q.sql), text: q.sql, values: q.parameters as unknown[] });
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
    const res = await this.client.query({
      name: `${this.names.get(q.sql)}a`,
      text: q.sql,
      values: q.parameters as unknown[],
      rowMode: 'array',
    });
    return res.rows as unknown[][];
  }
  async insertMany(table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<number[]> {
    const ids: number[] = [];
    const cols = columns.map((c) => `"${c}"`).join(', ');
    for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
      const chunk = rows.slice(start, start + INSERT_CHUNK_ROWS);
      const values: unknown[] = [];
      const tuples = chunk.map((row) => {
        const ph = row.map((v) => {
          values.push(v);
          return `$${values.length}`;
        });
        return `(${ph.join(', ')})`;
      });
      const sql = `insert into "${table}" (${cols}) values ${tuples.join(', ')} returning id`;
      const res = await this.client.query({ text: sql, values });
      for (const r of res.rows as { id: number }[]) ids.push(r.id);
    }
    return ids;
  }
}

export interface PostgresOptions {
  url: string;
  poolSize: number;
}

export class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  readonly capabilities: Capabilities = { rowLocks: true };
  readonly kysely: Kysely<DB>;
  readonly pool: pg.Pool;
  private readonly names = new StatementNames();
  private readonly exec: PgExecutor;
  private readonly authListener: PgAuthListener;

  constructor(options: PostgresOptions) {
    this.pool = new pg.Pool({ connectionString: options.url, max: options.poolSize, types });
    // An idle client that errors (server restart) must not crash the process.
    this.pool.on('error', () => {});
    this.exec = new PgExecutor(this.pool, this.names);
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
  insertMany(table: keyof DB, columns: readonly string[], rows: readonly unknown[][]): Promise<number[]> {
    return this.transaction((tx) => tx.insertMany(table, columns, rows));
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(new PgExecutor(client, this.names));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    try {
      await this.pool.query('select 1');
    } catch (err) {
      throw new UnavailableError('PostgreSQL is unreachable', { cause: err });
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
  }
}
