/**
 * Live copies with the users' own exchange keys:
 * - `credentials`: one encrypted key set per (user, venue) — AES-256-GCM
 *   ciphertext only, with a masked key id and the permissions found when it
 *   was verified;
 * - `traders.execution` (`paper` or `live`) and `traders.live_venue`;
 * - `live_copy_orders`: the outbox of live copy orders, written in the
 *   fan-out's transaction before anything is sent; its unique client order
 *   id is what the venue sees, so an order whose acknowledgement was lost is
 *   found again rather than sent twice;
 * - `live_copy_holdings`: what each live follow holds per symbol, at average
 *   cost (leader exits sell a share of it; realised PnL feeds the daily loss limit);
 * - `copy_pauses`: the kill switch (`all`, or `user:<id>`).
 */
import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';
import { autoId, columnTypes } from './column-types.js';

export function liveCopies(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const id = autoId(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('credentials')
        .addColumn('id', t.id, id)
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('ciphertext', 'text', (c) => c.notNull())
        .addColumn('key_fingerprint', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('verified_at', t.time, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('credentials_user_venue', ['user_id', 'venue'])
        .execute();
      await db.schema
        .alterTable('traders')
        .addColumn('execution', 'text', (c) => c.notNull().defaultTo('paper'))
        .execute();
      await db.schema.alterTable('traders').addColumn('live_venue', 'text').execute();
      await db.schema
        .createTable('live_copy_orders')
        .addColumn('id', t.id, id)
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('trader_id', t.ref, (c) => c.notNull())
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('amount', t.amount, (c) => c.notNull())
        .addColumn('price_hint', t.amount, (c) => c.notNull())
        .addColumn('client_order_id', 'text', (c) => c.notNull().unique())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('source_trade_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', t.time)
        .addColumn('venue_order_id', 'text')
        .addColumn('filled', t.amount)
        .addColumn('average_price', t.amount)
        .addColumn('fee', t.amount)
        .addColumn('realized_pnl', t.amount)
        .addColumn('error', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addColumn('filled_at', t.time)
        .execute();
      await db.schema
        .createIndex('live_copy_orders_work')
        .on('live_copy_orders')
        .columns(['status', 'claimed_until'])
        .execute();
      await db.schema
        .createIndex('live_copy_orders_user_day')
        .on('live_copy_orders')
        .columns(['user_id', 'filled_at'])
        .execute();
      await db.schema
        .createTable('live_copy_holdings')
        .addColumn('trader_id', t.ref, (c) => c.notNull())
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('quantity', t.amount, (c) => c.notNull())
        .addColumn('average_price', t.amount, (c) => c.notNull())
        .addPrimaryKeyConstraint('live_copy_holdings_pk', ['trader_id', 'venue', 'symbol'])
        .execute();
      await db.schema
        .createTable('copy_pauses')
        .addColumn('scope', 'text', (c) => c.primaryKey())
        .addColumn('paused_by', t.ref, (c) => c.notNull())
        .addColumn('paused_at', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
