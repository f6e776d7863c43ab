/**
 * Positions on prediction markets and exchanges, and the outbox of their
 * events (TP/SL fills) that notifiers deliver. A position closes exactly once:
 * every close is a conditional update on `status = 'open'`, and its event row
 * is written in the same transaction (one row per position, by constraint).
 * `market_prices` keeps the last streamed price of every market.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { autoId, columnTypes } from './column-types.js';

export function positions(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const id = autoId(dialect);
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        // Unrealised PnL of `size` bought (long) or sold (short) at `entry`, marked at `price`.
        await sql`create or replace function dec_pnl(side text, size numeric, entry numeric, price numeric)
          returns numeric language sql immutable parallel safe
          as 'select case when side = ''short'' then (entry - price) * size else (price - entry) * size end'`.execute(
          db,
        );
      }
      await db.schema
        .createTable('positions')
        .addColumn('id', t.id, id)
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('market_id', 'text', (c) => c.notNull())
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('outcome_index', 'integer')
        .addColumn('size', t.amount, (c) => c.notNull())
        .addColumn('entry_price', t.amount, (c) => c.notNull())
        .addColumn('current_price', t.amount, (c) => c.notNull())
        .addColumn('unrealized_pnl', t.amount, (c) => c.notNull())
        .addColumn('realized_pnl', t.amount, (c) => c.notNull())
        .addColumn('take_profit', t.amount)
        .addColumn('stop_loss', t.amount)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('close_reason', 'text')
        .addColumn('close_price', t.amount)
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('opened_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addColumn('closed_at', t.time)
        .execute();
      // A user's positions by status, newest first: the list and its cursor.
      await db.schema
        .createIndex('positions_user_status_idx')
        .on('positions')
        .columns(['user_id', 'status', 'id desc'])
        .execute();
      // Open positions on a market: what every price flush updates and checks for TP/SL.
      await db.schema
        .createIndex('positions_market_status_idx')
        .on('positions')
        .columns(['market_id', 'status'])
        .execute();

      await db.schema
        .createTable('position_events')
        .addColumn('id', t.id, id)
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('position_id', t.ref, (c) => c.notNull().references('positions.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('price', t.amount, (c) => c.notNull())
        .addColumn('realized_pnl', t.amount, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_until', t.time)
        .addColumn('delivered_at', t.time)
        .addUniqueConstraint('position_events_position_unique', ['position_id'])
        .execute();
      await db.schema
        .createIndex('position_events_pending_idx')
        .on('position_events')
        .columns(['delivered_at', 'id'])
        .execute();

      // The last streamed price of every market, written with each flush.
      await db.schema
        .createTable('market_prices')
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('market_id', 'text', (c) => c.notNull())
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('price', t.amount, (c) => c.notNull())
        .addColumn('ts', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('market_prices_pk', ['venue', 'market_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('market_prices').ifExists().execute();
      await db.schema.dropTable('position_events').ifExists().execute();
      await db.schema.dropTable('positions').ifExists().execute();
    },
  };
}
