/**
 * Leases of background roles that one instance of a fleet holds at a time
 * (the price stream, the Telegram bot poller): who holds each, until when,
 * and since when (a holder that renews keeps its `acquired_at`).
 */
import type { Kysely, Migration } from 'kysely';
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
    },
  };
}
