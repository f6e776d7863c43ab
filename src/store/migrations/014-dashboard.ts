/**
 * What the dashboard needs from the store:
 * - `positions_user_closed_idx`: a user's closed positions by close time,
 *   carrying the realised PnL, so the overview's daily profit bars and its
 *   all-time figure are an index-only walk, not a read of every position row;
 * - `pipeline_state`: whether the signal bot should be running (one row), so
 *   a restarted server resumes a pipeline an admin left running.
 *
 * Numbered 014: 012 and 013 are taken by migrations on other branches.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

export function dashboard(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('positions_user_closed_idx')
        .on('positions')
        .columns(['user_id', 'closed_at', 'realized_pnl'])
        .where(sql.ref('status'), '=', 'closed')
        .execute();
      await db.schema
        .createTable('pipeline_state')
        .addColumn('singleton', 'integer', (c) => c.primaryKey())
        .addColumn('running', 'integer', (c) => c.notNull())
        .addColumn('changed_by', t.ref)
        .addColumn('changed_at', t.time, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('pipeline_state').ifExists().execute();
      await db.schema.dropIndex('positions_user_closed_idx').ifExists().execute();
    },
  };
}
