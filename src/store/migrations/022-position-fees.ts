/**
 * `positions.fees`: what the paper account paid in fees on the position's
 * fills — a copy's entry, its additions and reductions, and its exit however
 * it closed (the leader's exit, TP, SL, trailing stop, by hand); 0 for a
 * position opened by hand, which moves no balance. `realized_pnl` stays the
 * price move of the part closed; a position's realised PnL net of fees is
 * `realized_pnl - fees`, which is what the API reports as `realizedPnl`
 * (with `fees` beside it), what close messages say and what the overview
 * sums. A copied round trip that made 0.04 on the price and paid 0.20 in
 * fees then reads -0.16 everywhere, as the paper balance and the trader's
 * performance always did. Positions copied before this migration keep 0:
 * their fees are in their orders only.
 *
 * `positions_user_closed_idx` (migration 014) gains the column: the
 * overview's daily and all-time figures stay an index-only walk.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './column-types.js';

export function positionFees(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('positions')
        .addColumn('fees', t.amount, (c) => c.notNull().defaultTo('0'))
        .execute();
      await db.schema.dropIndex('positions_user_closed_idx').execute();
      await db.schema
        .createIndex('positions_user_closed_idx')
        .on('positions')
        .columns(['user_id', 'closed_at', 'realized_pnl', 'fees'])
        .where(sql.ref('status'), '=', 'closed')
        .execute();
    },
  };
}
