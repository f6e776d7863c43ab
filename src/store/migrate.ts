/**
 * Schema migrations through Kysely's Migrator, with the list compiled in (no
 * file scanning), so `tradeloop migrate` behaves the same from source and
 * from the built package.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { UnavailableError } from '../domain/errors.js';
import type { Database, Dialect } from './database.js';
import { foundation } from './migrations/001-foundation.js';
import { positions } from './migrations/002-positions.js';
import { telegram } from './migrations/003-telegram.js';
import { jobs } from './migrations/004-jobs.js';
import { pipeline } from './migrations/005-pipeline.js';
import { copyEngine } from './migrations/006-copy-engine.js';
import { fanOutKeys } from './migrations/007-fan-out-keys.js';
import { fleetLeases } from './migrations/008-fleet-leases.js';
import { idempotencyKeys } from './migrations/009-idempotency-keys.js';
import { jobResultBounds } from './migrations/010-job-result-bounds.js';
import { userTokens } from './migrations/011-user-tokens.js';
import { liveCopies } from './migrations/012-live-copies.js';
import { modelCalls } from './migrations/013-model-calls.js';
import { dashboard } from './migrations/014-dashboard.js';
import { followGenerations } from './migrations/017-follow-generations.js';
import { leanOrderIndexes } from './migrations/018-lean-order-indexes.js';
import { hotUpdates } from './migrations/019-hot-updates.js';
import { repriceTurns } from './migrations/020-reprice-turns.js';
import { leaderFollowsIndex } from './migrations/021-leader-follows-index.js';
import { positionFees } from './migrations/022-position-fees.js';
import type { DB } from './schema.js';

function allMigrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001-foundation': foundation(dialect),
    '002-positions': positions(dialect),
    '003-telegram': telegram(dialect),
    '004-jobs': jobs(dialect),
    '005-pipeline': pipeline(dialect),
    '006-copy-engine': copyEngine(dialect),
    '007-fan-out-keys': fanOutKeys(dialect),
    '008-fleet-leases': fleetLeases(dialect),
    '009-idempotency-keys': idempotencyKeys(dialect),
    '010-job-result-bounds': jobResultBounds(dialect),
    '011-user-tokens': userTokens(dialect),
    '012-live-copies': liveCopies(dialect),
    '013-model-calls': modelCalls(dialect),
    '014-dashboard': dashboard(dialect),
    '017-follow-generations': followGenerations(dialect),
    '018-lean-order-indexes': leanOrderIndexes(),
    '019-hot-updates': hotUpdates(dialect),
    '020-reprice-turns': repriceTurns(dialect),
    '021-leader-follows-index': leaderFollowsIndex,
    '022-position-fees': positionFees(dialect),
  };
}

/**
 * On PostgreSQL the migration tables live in the connection's current schema
 * (named explicitly: Kysely would otherwise look for them in `public` even
 * when `search_path` points elsewhere).
 */
async function migrator(db: Database, kysely: Kysely<DB> = db.kysely): Promise<Migrator> {
  const provider: MigrationProvider = { getMigrations: async () => allMigrations(db.dialect) };
  if (db.dialect !== 'postgres') return new Migrator({ db: kysely, provider });
  const row = await sql<{ schema: string }>`select current_schema() as schema`.execute(kysely);
  return new Migrator({ db: kysely, provider, migrationTableSchema: row.rows[0]?.schema ?? 'public' });
}

/** Applies pending migrations; returns the names applied. No statement deadline applies. */
export async function migrateToLatest(db: Database): Promise<string[]> {
  const { error, results } = await db.withoutTimeouts(async (k) => (await migrator(db, k)).migrateToLatest());
  if (error) throw new UnavailableError('Database migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Applies migrations up to and including `name` (for upgrades tested step by step). */
export async function migrateTo(db: Database, name: string): Promise<string[]> {
  const { error, results } = await db.withoutTimeouts(async (k) => (await migrator(db, k)).migrateTo(name));
  if (error) throw new UnavailableError('Database migration failed', { cause: error });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied. */
export async function migrationsAreCurrent(db: Database): Promise<boolean> {
  const list = await (await migrator(db)).getMigrations();
  return list.every((m) => m.executedAt !== undefined);
}
