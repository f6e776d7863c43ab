/**
 * Table shapes as Kysely sees them. Amount columns hold canonical decimal
 * strings (TEXT on SQLite, NUMERIC on PostgreSQL); times are epoch
 * milliseconds; booleans are 0/1 integers on both dialects.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  is_admin: number;
  created_at: number;
}

export interface TradersTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  address: string;
  enabled: number;
  allocation: string;
  take_profit_pct: string | null;
  stop_loss_pct: string | null;
  trailing_stop_pct: string | null;
  max_position_size: string | null;
  copy_ratio: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface TradingPairsTable {
  id: Generated<number>;
  symbol: string;
  base: string;
  quote: string;
  created_at: number;
}

export interface OrdersTable {
  id: Generated<number>;
  user_id: number;
  trader_id: number | null;
  trading_pair_id: number;
  client_order_id: string | null;
  side: string;
  type: string;
  price: string | null;
  quantity: string;
  filled_quantity: string;
  average_price: string | null;
  status: string;
  fee: string;
  created_at: number;
  updated_at: number;
}

/** Running per-trader summary, kept in the same transaction as each order change. */
export interface TraderStatsTable {
  trader_id: number;
  user_id: number;
  fills: number;
  closed_trades: number;
  wins: number;
  realized_pnl: string;
  volume: string;
  fees: string;
  updated_at: number;
}

/** Average-cost position a trader holds per pair, used to realise PnL on reducing fills. */
export interface TraderPositionsTable {
  trader_id: number;
  trading_pair_id: number;
  quantity: string;
  average_price: string;
}

/** Running per-user, per-UTC-day filled notional. */
export interface DailyVolumeTable {
  user_id: number;
  day: string;
  volume: string;
  fills: number;
}

export interface DB {
  users: UsersTable;
  traders: TradersTable;
  trading_pairs: TradingPairsTable;
  orders: OrdersTable;
  trader_stats: TraderStatsTable;
  trader_positions: TraderPositionsTable;
  daily_volume: DailyVolumeTable;
}
