/**
 * `positions.reprice_at`: when the price flush next reprices an idle open
 * position (no TP, SL or trailing stop), set by the flush that repriced it;
 * 0 for an armed position (repriced on every flush) and for one not yet
 * repriced by the flush (its first turn is computed from `updated_at`).
 *
 * On SQLite the (market_id, status) index gains the column, so a flush
 * searches each market's open positions that are due instead of reading all
 * of them to find the due ones: with 20,000 idle positions a flush that
 * repriced 800 read all 20,000 rows (~25 ms) to do it. On PostgreSQL the
 * index stays as it is: a column the flush rewrites must not be indexed
 * there, or its updates could no longer stay in their page (HOT, migration
 * 019); the flush filters on the column instead.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

export function repriceTurns(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('positions')
        .addColumn('reprice_at', t.time, (c) => c.notNull().defaultTo(0))
        .execute();
      if (dialect !== 'sqlite') return;
      await sql`drop index positions_market_status_idx`.execute(db);
      await db.schema
        .createIndex('positions_market_status_idx')
        .on('positions')
        .columns(['market_id', 'status', 'reprice_at'])
        .execute();
    },
  };
}
