/**
 * Foundation tables: users, traders, trading pairs, orders, and the running
 * summaries (trader stats, trader positions, daily volume) kept in the same
 * transaction as each order. Column types that differ by dialect are data here,
 * never branches in repositories.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { autoId, columnTypes } from './column-types.js';

export function foundation(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const id = autoId(dialect);
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') {
        await sql`create or replace function dec_add(a numeric, b numeric) returns numeric
          language sql immutable parallel safe as 'select coalesce(a, 0) + coalesce(b, 0)'`.execute(db);
      }
      await db.schema
        .createTable('users')
        .addColumn('id', t.id, id)
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('traders')
        .addColumn('id', t.id, id)
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('allocation', t.amount, (c) => c.notNull())
        .addColumn('take_profit_pct', t.amount)
        .addColumn('stop_loss_pct', t.amount)
        .addColumn('trailing_stop_pct', t.amount)
        .addColumn('max_position_size', t.amount)
        .addColumn('copy_ratio', t.amount, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('traders_user_address_unique', ['user_id', 'address'])
        .execute();
      await db.schema
        .createIndex('traders_user_created_idx')
        .on('traders')
        .columns(['user_id', 'created_at', 'id'])
        .execute();

      await db.schema
        .createTable('trading_pairs')
        .addColumn('id', t.id, id)
        .addColumn('symbol', 'text', (c) => c.notNull())
        .addColumn('base', 'text', (c) => c.notNull())
        .addColumn('quote', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('trading_pairs_symbol_unique')
        .unique()
        .on('trading_pairs')
        .column('symbol')
        .execute();

      await db.schema
        .createTable('orders')
        .addColumn('id', t.id, id)
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('trader_id', t.ref, (c) => c.references('traders.id').onDelete('set null'))
        .addColumn('trading_pair_id', t.ref, (c) => c.notNull().references('trading_pairs.id'))
        .addColumn('client_order_id', 'text')
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('price', t.amount)
        .addColumn('quantity', t.amount, (c) => c.notNull())
        .addColumn('filled_quantity', t.amount, (c) => c.notNull())
        .addColumn('average_price', t.amount)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('fee', t.amount, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      const idx = (name: string, cols: string[]) =>
        db.schema.createIndex(name).on('orders').columns(cols).execute();
      await idx('orders_pair_idx', ['trading_pair_id']);
      await idx('orders_created_idx', ['created_at desc']);
      await idx('orders_status_idx', ['status']);
      // (pair, status) leads, as the pair/status queries need; user and time follow so that a
      // user's orders filtered by pair and status are one ordered range scan, with no extra index
      // for inserts to maintain.
      await idx('orders_pair_status_idx', [
        'trading_pair_id',
        'status',
        'user_id',
        'created_at desc',
        'id desc',
      ]);
      await idx('orders_user_created_idx', ['user_id', 'created_at desc', 'id desc']);
      await idx('orders_trader_idx', ['trader_id']);
      await db.schema
        .createIndex('orders_user_client_id_unique')
        .unique()
        .on('orders')
        .columns(['user_id', 'client_order_id'])
        .where(sql.ref('client_order_id'), 'is not', null)
        .execute();

      await db.schema
        .createTable('trader_stats')
        .addColumn('trader_id', t.ref, (c) => c.primaryKey().references('traders.id').onDelete('cascade'))
        .addColumn('user_id', t.ref, (c) => c.notNull())
        .addColumn('fills', 'integer', (c) => c.notNull())
        .addColumn('closed_trades', 'integer', (c) => c.notNull())
        .addColumn('wins', 'integer', (c) => c.notNull())
        .addColumn('realized_pnl', t.amount, (c) => c.notNull())
        .addColumn('volume', t.amount, (c) => c.notNull())
        .addColumn('fees', t.amount, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('trader_positions')
        .addColumn('trader_id', t.ref, (c) => c.notNull().references('traders.id').onDelete('cascade'))
        .addColumn('trading_pair_id', t.ref, (c) => c.notNull().references('trading_pairs.id'))
        .addColumn('quantity', t.amount, (c) => c.notNull())
        .addColumn('average_price', t.amount, (c) => c.notNull())
        .addPrimaryKeyConstraint('trader_positions_pk', ['trader_id', 'trading_pair_id'])
        .execute();

      await db.schema
        .createTable('daily_volume')
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('volume', t.amount, (c) => c.notNull())
        .addColumn('fills', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_volume_pk', ['user_id', 'day'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'daily_volume',
        'trader_positions',
        'trader_stats',
        'orders',
        'trading_pairs',
        'traders',
        'users',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
