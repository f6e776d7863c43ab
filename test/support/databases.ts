/**
 * The databases every storage suite runs against: SQLite always, PostgreSQL
 * when TEST_DATABASE_URL (or a postgres DATABASE_URL) answers. Under CI=true
 * an unreachable PostgreSQL fails the run instead of skipping. Each suite
 * gets its own PostgreSQL schema, dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { noteSkip } from './skip-notice.js';

export interface DatabaseTarget {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty database URL for one suite. */
  create(): Promise<{ url: string; drop(): Promise<void> }>;
}

function postgresUrl(): string | undefined {
  const url = process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'];
  return url?.startsWith('postgres') ? url : undefined;
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export const sqliteTarget: DatabaseTarget = {
  name: 'sqlite',
  async create() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradeloop-test-'));
    return {
      url: `sqlite:${path.join(dir, 'test.db')}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  },
};

function postgresTarget(base: string): DatabaseTarget {
  return {
    name: 'postgres',
    async create() {
      const schema = `tl_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      await admin.end();
      const u = new URL(base);
      u.searchParams.set('options', `-c search_path=${schema}`);
      return {
        url: u.toString(),
        async drop() {
          const c = new pg.Client({ connectionString: base });
          await c.connect();
          await c.query(`drop schema if exists ${schema} cascade`);
          await c.end();
        },
      };
    },
  };
}

let cached: DatabaseTarget[] | undefined;

/** SQLite, plus PostgreSQL when reachable; says so when PostgreSQL is skipped. */
export async function databaseTargets(): Promise<DatabaseTarget[]> {
  if (cached) return cached;
  const url = postgresUrl();
  const ci = process.env['CI'] === 'true';
  if (url && (await reachable(url))) {
    cached = [sqliteTarget, postgresTarget(url)];
  } else if (ci) {
    throw new Error(
      `CI=true but PostgreSQL is not reachable at ${url ?? '(TEST_DATABASE_URL unset)'}: the PostgreSQL suites must run in CI`,
    );
  } else {
    noteSkip(
      `[skip] PostgreSQL suites skipped: set TEST_DATABASE_URL=postgres://... to run them${url ? ` (${url} unreachable)` : ''}`,
    );
    cached = [sqliteTarget];
  }
  return cached;
}
