/**
 * Unique keys that lead with the trade instead of the follower. A fan-out
 * writes one row per follow of one leader trade; a key that starts with the
 * follow puts each row in a different part of the index (about a thousand
 * dirty pages for 1,000 follows, all written at commit), a key that starts
 * with the trade puts them side by side. The keys hold the same columns, so
 * they allow and refuse exactly what they did:
 * - copy decisions: (trader, source trade) becomes (source, source trade,
 *   trader); the (source, source trade) index that found a redelivered trade
 *   is the new key's prefix and goes;
 * - orders: (user, client order id) becomes (client order id, user); a copy's
 *   client order id now starts with its trade (see `clientId`).
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { createDecisionsTable } from './006-copy-engine.js';

const KEY = ['source', 'source_trade_id', 'trader_id'] as const;

export function fanOutKeys(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('orders_user_client_id_unique').execute();
      await db.schema
        .createIndex('orders_client_id_unique')
        .unique()
        .on('orders')
        .columns(['client_order_id', 'user_id'])
        .where(sql.ref('client_order_id'), 'is not', null)
        .execute();
      if (dialect === 'postgres') {
        await sql`alter table copy_decisions drop constraint copy_decisions_trade_unique`.execute(db);
        await sql`alter table copy_decisions add constraint copy_decisions_trade_unique unique (source, source_trade_id, trader_id)`.execute(
          db,
        );
        await sql`drop index copy_decisions_source_trade_idx`.execute(db);
        return;
      }
      // SQLite cannot change a table's constraint: rebuild the table (nothing references it).
      await createDecisionsTable(db, dialect, 'copy_decisions_next', KEY);
      await sql`insert into copy_decisions_next select * from copy_decisions`.execute(db);
      await sql`drop table copy_decisions`.execute(db);
      await sql`alter table copy_decisions_next rename to copy_decisions`.execute(db);
      await db.schema
        .createIndex('copy_decisions_user_idx')
        .on('copy_decisions')
        .columns(['user_id', 'id desc'])
        .execute();
      await db.schema
        .createIndex('copy_decisions_trader_idx')
        .on('copy_decisions')
        .columns(['trader_id', 'id desc'])
        .execute();
    },
  };
}
