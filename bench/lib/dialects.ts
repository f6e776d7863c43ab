/**
 * The databases a store-bound benchmark runs on: SQLite always, PostgreSQL
 * when TEST_DATABASE_URL names one. Each PostgreSQL database is a throwaway
 * schema on that server, dropped when the benchmark ends; the services reach
 * it through the URL's search_path, and bare references get a plain client
 * on the same schema.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Config } from '../../src/config/schema.js';
import type { Services } from '../../src/container.js';
import type { BenchContext } from './context.js';
import { openServices } from './fixtures.js';
import { PG_SUFFIX } from './report.js';

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
export function benchDialects(log: (m: string) => void, env: NodeJS.ProcessEnv = process.env): BenchDialect[] {
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

/** A fresh schema on the PostgreSQL server, dropped when the benchmark ends; its URL. */
export async function postgresSchema(ctx: BenchContext, label: string): Promise<string> {
  const base = postgresBase();
  if (!base) throw new Error('TEST_DATABASE_URL is not a PostgreSQL URL');
  const schema = `tl_bench_${label.replaceAll(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  await withClient(base, (c) => c.query(`create schema ${schema}`));
  ctx.defer(async () => {
    await withClient(base, (c) => c.query(`drop schema if exists ${schema} cascade`));
  });
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
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
