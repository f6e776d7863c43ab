/**
 * PostgreSQL: room on each page of the tables whose rows are rewritten all
 * the time (REWRITTEN_TABLES), so an update that changes no indexed column stays on its page
 * (a HOT update: no new entry in any index, and the old version is pruned
 * without a vacuum). The price feed rewrites every open position's price and
 * PnL and every market's last price; on full pages (the default fill factor
 * of 100) each of those updates wrote a new tuple on another page and an
 * entry in each of the table's indexes. Toggles, the copy fan-out's stats,
 * holdings, volumes and balances, and watcher cursors are the same kind of
 * write. Only pages written from now on keep
 * the room; `VACUUM FULL <table>` rewrites an existing table. SQLite updates
 * rows in place: nothing to do there.
 */
import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Tables whose rows are updated again and again, mostly in columns no index
 * holds: prices and PnL, toggles, running stats, holdings, volumes, balances,
 * cursors. (A position's close changes its status, which its indexes hold:
 * that update is not HOT, but it comes once per position.)
 */
export const REWRITTEN_TABLES = [
  'positions',
  'market_prices',
  'traders',
  'trader_stats',
  'trader_positions',
  'daily_volume',
  'paper_accounts',
  'copy_watchers',
] as const;

/** Share of each page filled by inserts, in percent. */
export const HOT_FILL_FACTOR = 70;

export function hotUpdates(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      for (const table of REWRITTEN_TABLES)
        await sql`alter table ${sql.id(table)} set (fillfactor = ${sql.lit(HOT_FILL_FACTOR)})`.execute(db);
    },
  };
}
