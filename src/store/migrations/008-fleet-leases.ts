/**
 * Leases of background roles that one instance of a fleet holds at a time
 * (the price stream, the Telegram bot poller): who holds each, until when,
 * and since when (a holder that renews keeps its `acquired_at`); and the
 * fleet's identity, one row that every instance on this database reads (it
 * names the fleet's Redis channels, so two fleets sharing a Redis never hear
 * each other).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

export function fleetLeases(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('fleet_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('until', t.time, (c) => c.notNull())
        .addColumn('acquired_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('fleet')
        .addColumn('singleton', 'integer', (c) => c.primaryKey().check(sql`singleton = 1`))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
