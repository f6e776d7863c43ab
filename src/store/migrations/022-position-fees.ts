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
 */
import type { Kysely, Migration } from 'kysely';
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
    },
  };
}
