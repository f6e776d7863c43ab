/**
 * The plan of a captured statement, asked for only when someone reads the
 * slow-query list. Values were never kept, so parameters are bound as NULL:
 * SQLite runs `EXPLAIN QUERY PLAN` on its reader connection (values do not
 * change its plan choice without STAT4); PostgreSQL 15 has no `EXPLAIN
 * (GENERIC_PLAN)`, so the statement is prepared and explained with
 * `plan_cache_mode = force_generic_plan`, which plans without the values.
 * Neither runs the statement.
 */
import type { Database } from '../store/database.js';

const nulls = (n: number) => Array.from({ length: n }, () => null);

export async function explainQuery(db: Database, sql: string, parameterCount: number): Promise<string[]> {
  try {
    return db.dialect === 'sqlite'
      ? await explainSqlite(db, sql, parameterCount)
      : await explainPostgres(db, sql, parameterCount);
  } catch (err) {
    return [`(no plan: ${err instanceof Error ? err.message : String(err)})`];
  }
}

async function explainSqlite(db: Database, sql: string, n: number): Promise<string[]> {
  const rows = await db.all<{ id: number; parent: number; detail: string }>({
    sql: `explain query plan ${sql}`,
    parameters: nulls(n),
  });
  const depth = new Map<number, number>([[0, 0]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? 0) + 1;
    depth.set(r.id, d);
    return `${'  '.repeat(d - 1)}${r.detail}`;
  });
}

/** The parts of a pg Pool this module uses (PostgresDatabase exposes `pool`). */
export interface PgPoolLike {
  connect(): Promise<{ query(sql: string): Promise<{ rows: Record<string, unknown>[] }>; release(): void }>;
}

export function pgPool(db: Database): PgPoolLike | undefined {
  const pool = (db as { pool?: PgPoolLike }).pool;
  return pool && typeof pool.connect === 'function' ? pool : undefined;
}

let explainSeq = 0;

/** On a client of its own, with plain (unnamed) queries, so nothing is left prepared. */
async function explainPostgres(db: Database, sql: string, n: number): Promise<string[]> {
  const pool = pgPool(db);
  if (pool === undefined) return ['(no plan: this PostgreSQL store exposes no pool)'];
  const client = await pool.connect();
  const name = `tl_explain_${++explainSeq}`;
  try {
    await client.query('begin');
    await client.query('set local plan_cache_mode = force_generic_plan');
    await client.query(`prepare ${name} as ${sql}`);
    const args = n === 0 ? '' : `(${Array.from({ length: n }, () => 'null').join(', ')})`;
    const res = await client.query(`explain execute ${name}${args}`);
    return res.rows.map((r) => String(r['QUERY PLAN']));
  } finally {
    await client.query('rollback').catch(() => {});
    await client.query(`deallocate ${name}`).catch(() => {});
    client.release();
  }
}
