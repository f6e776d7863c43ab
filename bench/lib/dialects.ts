/**
 * The databases a store-bound benchmark runs on: SQLite always, PostgreSQL
 * when TEST_DATABASE_URL names one. Each PostgreSQL database is a throwaway
 * schema on that server, dropped when the benchmark ends; the services reach
 * it through the URL's search_path, and bare references get a plain client
 * on the same schema.
 */
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../src/config/schema.js';
import type { Services } from '../../src/container.js';
import type { BigDb } from './big-db.js';
import type { BenchContext, Benchmark } from './context.js';
import { openServices, rawSqlite } from './fixtures.js';
import { PG_SUFFIX } from './report.js';
import type { BenchResult } from './result.js';

export type BenchDialect = 'sqlite' | 'postgres';

/** TEST_DATABASE_URL when it is a PostgreSQL URL. */
export function postgresBase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env['TEST_DATABASE_URL'];
  return url?.startsWith('postgres') ? url : undefined;
}

/**
 * SQLite, plus PostgreSQL when TEST_DATABASE_URL is set (the log says when it
 * is not); BENCH_DIALECT=sqlite or =postgres measures only that one.
 */
export function benchDialects(
  log: (m: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): BenchDialect[] {
  const only = env['BENCH_DIALECT'];
  if (only !== undefined && only !== 'sqlite' && only !== 'postgres')
    throw new Error(`BENCH_DIALECT must be sqlite or postgres, got "${only}"`);
  if (!postgresBase()) {
    if (only === 'postgres') throw new Error('BENCH_DIALECT=postgres needs TEST_DATABASE_URL');
    log('PostgreSQL figures skipped: set TEST_DATABASE_URL=postgres://... to measure them');
    return ['sqlite'];
  }
  return only ? [only] : ['sqlite', 'postgres'];
}

/** The figure's name on `dialect`: `toggle-http` on SQLite, `toggle-http-pg` on PostgreSQL. */
export const figureName = (name: string, dialect: BenchDialect): string =>
  dialect === 'postgres' ? `${name}${PG_SUFFIX}` : name;

/** A fresh schema on the PostgreSQL server: its URL, and how to drop it. */
export async function createSchema(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = postgresBase();
  if (!base) throw new Error('TEST_DATABASE_URL is not a PostgreSQL URL');
  const schema = `tl_bench_${label.replaceAll(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  await withClient(base, (c) => c.query(`create schema ${schema}`));
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      await withClient(base, (c) => c.query(`drop schema if exists ${schema} cascade`));
    },
  };
}

/** A fresh schema dropped when the benchmark ends; its URL. */
export async function postgresSchema(ctx: BenchContext, label: string): Promise<string> {
  const { url, drop } = await createSchema(label);
  ctx.defer(drop);
  return url;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A plain pg client on `url` for bare references, closed when the benchmark ends. */
export async function bareClient(ctx: BenchContext, url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  ctx.defer(() => c.end());
  return c;
}

/** A bare statement on the database `s` runs on: better-sqlite3 on SQLite, a named statement on a plain pg client. */
export async function bareStatement(
  ctx: BenchContext,
  s: Services,
  url: string,
  sql: string,
): Promise<(params: unknown[]) => unknown> {
  if (s.db.dialect === 'sqlite') {
    const stmt = rawSqlite(s).prepare(sql);
    return (params) => stmt.all(...params);
  }
  const c = await bareClient(ctx, url);
  const name = `bare_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
  return async (params) => (await c.query({ name, text: sql, values: params })).rows;
}

/** The query plan of `sql`, in one line (SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN). */
export async function queryPlan(ctx: BenchContext, s: Services, url: string, sql: string, params: unknown[]) {
  if (s.db.dialect === 'sqlite') {
    const rows = rawSqlite(s)
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params) as { detail: string }[];
    return rows.map((r) => r.detail).join(' / ');
  }
  const c = await bareClient(ctx, url);
  const rows = (await c.query(`EXPLAIN ${sql}`, params)).rows as { 'QUERY PLAN': string }[];
  return rows.map((r) => r['QUERY PLAN'].trim()).join(' / ');
}

/** The services on a fresh database of `dialect` (closed when the benchmark ends), and its URL. */
export async function servicesOn(
  ctx: BenchContext,
  dialect: BenchDialect,
  label: string,
  overrides: Partial<Config> = {},
): Promise<{ s: Services; url: string; dataDir: string }> {
  const dataDir = ctx.tempDir(`${label}-${dialect}`);
  const url = dialect === 'postgres' ? await postgresSchema(ctx, label) : `sqlite:${dataDir}/tradeloop.db`;
  const s = await openServices(dataDir, { ...overrides, databaseUrl: url });
  ctx.defer(() => s.close());
  return { s, url, dataDir };
}

/** A benchmark measured once per database in `benchDialects`, its figures in that order. */
export function perDialect(
  name: string,
  measure: (ctx: BenchContext, dialect: BenchDialect) => Promise<BenchResult | BenchResult[]>,
): Benchmark {
  return {
    name,
    async run(ctx) {
      const out: BenchResult[] = [];
      for (const dialect of benchDialects(ctx.log)) out.push(...[await measure(ctx, dialect)].flat());
      return out;
    },
  };
}

/** The services on the shared 1M-order database of `dialect` (closed when the benchmark ends). */
export async function openBigDb(
  ctx: BenchContext,
  dialect: BenchDialect,
): Promise<{ big: BigDb; s: Services }> {
  const big = await ctx.bigDb(dialect);
  const s = await openServices(big.dataDir, { databaseUrl: big.databaseUrl });
  ctx.defer(() => s.close());
  return { big, s };
}
