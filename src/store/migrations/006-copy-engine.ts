/**
 * The copy engine's tables. A followed trader gains its source and sizing
 * options and the window in which it is enabled (so a toggle decides which
 * leader trades get a decision). One watcher row per (source, address) holds
 * the cursor that advances in the same transaction as the decisions it
 * produced, and the lease of the instance that runs it. Every leader trade
 * gets one decision per follow, unique by (trader, source trade). Paper
 * accounts hold each user's balance per venue; copied positions name their
 * trader and carry a trailing stop with its high-water mark.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { autoId, columnTypes } from './column-types.js';

export function copyEngine(dialect: Dialect): Migration {
  const t = columnTypes(dialect);
  const id = autoId(dialect);
  return {
    async up(db: Kysely<unknown>) {
      // biome-ignore lint/suspicious/noExplicitAny: Kysely's column builder, as migrations use it
      const addTraderColumn = (name: string, type: string, build?: (c: any) => any) =>
        db.schema
          .alterTable('traders')
          .addColumn(name, type as 'text', build ?? ((c) => c))
          .execute();
      // Existing follows keep today's behaviour: no watcher, orders posted through the API.
      await addTraderColumn('source', 'text', (c) => c.notNull().defaultTo('manual'));
      await addTraderColumn('copy_mode', 'text', (c) => c.notNull().defaultTo('ratio'));
      await addTraderColumn('fixed_amount', t.amount);
      await addTraderColumn('min_trade_size', t.amount);
      await addTraderColumn('allow_markets', 'text');
      await addTraderColumn('deny_markets', 'text');
      await addTraderColumn('enabled_since', t.time);
      await addTraderColumn('disabled_at', t.time);
      // Every enabled window, "since-until,since-until,since-" (the last one open while enabled), so a
      // trade read late is judged by the window it happened in, even after further toggles.
      await addTraderColumn('enabled_windows', 'text', (c) => c.notNull().defaultTo(''));
      await sql`update traders set enabled_since = created_at where enabled = 1`.execute(db);
      await sql`update traders set enabled_windows = ${sql.raw(dialect === 'postgres' ? "created_at::text || '-'" : "created_at || '-'")} where enabled = 1`.execute(
        db,
      );
      await db.schema
        .createIndex('traders_source_address_idx')
        .on('traders')
        .columns(['source', 'address'])
        .execute();

      await db.schema
        .createTable('copy_watchers')
        .addColumn('id', t.id, id)
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('cursor', 'text', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', t.time)
        .addColumn('events', t.time, (c) => c.notNull().defaultTo(0))
        .addColumn('last_trade_ts', t.time)
        .addColumn('advanced_at', t.time, (c) => c.notNull())
        .addColumn('polled_at', t.time)
        .addColumn('error', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('copy_watchers_source_address_unique', ['source', 'address'])
        .execute();

      // The leader's holding per market and outcome, so an exit is copied as the same fraction.
      await db.schema
        .createTable('leader_holdings')
        .addColumn('watcher_id', t.ref, (c) => c.notNull().references('copy_watchers.id').onDelete('cascade'))
        .addColumn('market', 'text', (c) => c.notNull())
        .addColumn('size', t.amount, (c) => c.notNull())
        .addPrimaryKeyConstraint('leader_holdings_pk', ['watcher_id', 'market'])
        .execute();

      await createDecisionsTable(db, dialect, 'copy_decisions', ['trader_id', 'source_trade_id']);
      await db.schema
        .createIndex('copy_decisions_user_idx')
        .on('copy_decisions')
        .columns(['user_id', 'id desc'])
        .execute();
      // A trade a source delivers again is recognised by its id.
      await db.schema
        .createIndex('copy_decisions_source_trade_idx')
        .on('copy_decisions')
        .columns(['source', 'source_trade_id'])
        .execute();
      await db.schema
        .createIndex('copy_decisions_trader_idx')
        .on('copy_decisions')
        .columns(['trader_id', 'id desc'])
        .execute();

      await db.schema
        .createTable('paper_accounts')
        .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('venue', 'text', (c) => c.notNull())
        .addColumn('balance', t.amount, (c) => c.notNull())
        .addColumn('initial_balance', t.amount, (c) => c.notNull())
        .addColumn('reset_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('paper_accounts_pk', ['user_id', 'venue'])
        .execute();

      // biome-ignore lint/suspicious/noExplicitAny: Kysely's column builder, as migrations use it
      const addPositionColumn = (name: string, type: string, build?: (c: any) => any) =>
        db.schema
          .alterTable('positions')
          .addColumn(name, type as 'text', build ?? ((c) => c))
          .execute();
      await addPositionColumn('trader_id', t.ref, (c) => c.references('traders.id').onDelete('set null'));
      await addPositionColumn('trailing_stop_pct', t.amount);
      await addPositionColumn('high_water', t.amount);
      // A chat can mute copy announcements (TP/SL fills are still announced).
      await db.schema
        .alterTable('telegram_links')
        .addColumn('copies_muted', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // The markets with open positions (what the price feed streams), read after every opening:
      // an index-only walk over open positions instead of a scan of every position ever held.
      await db.schema
        .createIndex('positions_open_markets_idx')
        .on('positions')
        .columns(['venue', 'market_id', 'symbol'])
        .where(sql.ref('status'), '=', 'open')
        .execute();
      await db.schema
        .createIndex('positions_trader_status_idx')
        .on('positions')
        .columns(['trader_id', 'status'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['paper_accounts', 'copy_decisions', 'leader_holdings', 'copy_watchers']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/** The decisions table with its unique key on `unique` (migration 007 reorders it). */
export async function createDecisionsTable(
  db: Kysely<unknown>,
  dialect: Dialect,
  name: string,
  unique: readonly ('source' | 'source_trade_id' | 'trader_id')[],
): Promise<void> {
  const t = columnTypes(dialect);
  const id = autoId(dialect);
  await db.schema
    .createTable(name)
    .addColumn('id', t.id, id)
    .addColumn('user_id', t.ref, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('trader_id', t.ref, (c) => c.notNull().references('traders.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_trade_id', 'text', (c) => c.notNull())
    .addColumn('source_ts', t.time, (c) => c.notNull())
    .addColumn('detected_at', t.time, (c) => c.notNull())
    .addColumn('decided_at', t.time, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('reduced_by', 'text')
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('outcome_index', 'integer')
    .addColumn('leader_size', t.amount, (c) => c.notNull())
    .addColumn('leader_price', t.amount, (c) => c.notNull())
    .addColumn('size', t.amount)
    .addColumn('price', t.amount)
    .addColumn('order_id', t.ref)
    .addColumn('position_id', t.ref)
    .addColumn('latency_ms', t.float, (c) => c.notNull())
    .addUniqueConstraint('copy_decisions_trade_unique', [...unique])
    .execute();
}
