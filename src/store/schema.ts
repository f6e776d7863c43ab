/**
 * Table shapes as Kysely sees them. Amount columns hold canonical decimal
 * strings (TEXT on SQLite, NUMERIC on PostgreSQL); times are epoch
 * milliseconds; booleans are 0/1 integers on both dialects.
 */
import type { Generated } from 'kysely';
import type {
  CopyPausesTable,
  CredentialsTable,
  LiveCopyHoldingsTable,
  LiveCopyOrdersTable,
} from './live-schema.js';
import type {
  PipelineDecisionsTable,
  PipelineModelCallsTable,
  PipelineOrdersTable,
  PipelineRunsTable,
  PipelineSignalsTable,
  PipelineStateTable,
} from './pipeline-schema.js';

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
  /** Where the trader's trades come from: `manual`, `simulated`, `polymarket`. */
  source: Generated<string>;
  copy_mode: Generated<string>;
  fixed_amount: string | null;
  min_trade_size: string | null;
  /** JSON arrays of market ids, or null for no filter. */
  allow_markets: string | null;
  deny_markets: string | null;
  /** Since when the follow has been enabled (null while disabled and never enabled). */
  enabled_since: number | null;
  /** When it was last disabled (null while enabled). */
  disabled_at: number | null;
  /** Every enabled window: "since-until,...,since-" (bounded to the most recent). */
  enabled_windows: Generated<string>;
  /** `paper` or `live` (migration 012), and the venue live copies trade on. */
  execution: Generated<string>;
  live_venue: Generated<string | null>;
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

/** A user's position on a market; see src/domain/position.ts. */
export interface PositionsTable {
  id: Generated<number>;
  user_id: number;
  venue: string;
  market_id: string;
  symbol: string;
  side: string;
  outcome: string | null;
  outcome_index: number | null;
  size: string;
  entry_price: string;
  current_price: string;
  unrealized_pnl: string;
  realized_pnl: string;
  take_profit: string | null;
  stop_loss: string | null;
  status: string;
  close_reason: string | null;
  close_price: string | null;
  version: number;
  opened_at: number;
  updated_at: number;
  closed_at: number | null;
  /** The followed trader a copied position came from; null for positions opened by hand. */
  trader_id: number | null;
  trailing_stop_pct: string | null;
  /** Best price since entry (highest for a long), for the trailing stop. */
  high_water: string | null;
  /** When the price flush next reprices this idle position; 0: armed, or not yet repriced by the flush (migration 020). */
  reprice_at: Generated<number>;
  /** Fees the paper account paid on this position's fills; realised PnL net of fees is realized_pnl - fees (migration 022). */
  fees: Generated<string>;
}

/** Outbox of position closes, delivered to notifiers (WebSocket, Telegram) and then marked. */
export interface PositionEventsTable {
  id: Generated<number>;
  user_id: number;
  position_id: number;
  kind: string;
  price: string;
  realized_pnl: string;
  created_at: number;
  attempts: Generated<number>;
  /** Lease of the instance delivering the event; expired leases are retried. */
  claimed_until: number | null;
  delivered_at: number | null;
}

/** Last streamed price per market. */
export interface MarketPricesTable {
  venue: string;
  market_id: string;
  symbol: string;
  price: string;
  ts: number;
  updated_at: number;
}

export interface DB {
  users: UsersTable;
  traders: TradersTable;
  trading_pairs: TradingPairsTable;
  orders: OrdersTable;
  trader_stats: TraderStatsTable;
  trader_positions: TraderPositionsTable;
  daily_volume: DailyVolumeTable;
  positions: PositionsTable;
  position_events: PositionEventsTable;
  market_prices: MarketPricesTable;
  telegram_links: TelegramLinksTable;
  telegram_link_codes: TelegramLinkCodesTable;
}

/** A Telegram chat linked to a user (chat ids are text: they exceed 32 bits). */
export interface TelegramLinksTable {
  chat_id: string;
  user_id: number;
  linked_at: number;
  /** 1 when the chat muted copy announcements. */
  copies_muted: Generated<number>;
}

/** One-time link codes; only the SHA-256 of a code is stored. */
export interface TelegramLinkCodesTable {
  code_hash: string;
  user_id: number;
  expires_at: number;
  used_at: number | null;
}

/**
 * Research jobs (src/jobs): what was asked (params, JSON), where it is
 * (status, progress 0..100) and how it ended (result JSON, or an error code
 * and message). `priority` is 1 (high), 2 (normal) or 3 (low).
 */
export interface JobsTable {
  id: Generated<number>;
  user_id: number;
  type: string;
  status: string;
  priority: number;
  params: string;
  progress: number;
  result: string | null;
  /** The result as gzip-compressed JSON, when it was larger than JOB_RESULT_MAX_BYTES (then `result` is null). */
  result_gzip: Buffer | null;
  /** Why the result is gone (dropped after JOB_RESULT_TTL_DAYS); null while it is kept. */
  result_note: string | null;
  error_code: string | null;
  error_message: string | null;
  timeout_ms: number;
  attempts: number;
  submitted_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

// Declaration merging adds the jobs table to DB without editing its list above.
export interface DB {
  jobs: JobsTable;
}

/** The pipeline's tables, merged into `DB` (interface declaration merging). */
export interface DB {
  pipeline_runs: PipelineRunsTable;
  pipeline_signals: PipelineSignalsTable;
  pipeline_decisions: PipelineDecisionsTable;
  pipeline_orders: PipelineOrdersTable;
  pipeline_model_calls: PipelineModelCallsTable;
  pipeline_state: PipelineStateTable;
}

/** One watcher per (source, address): its cursor and the lease of the instance running it. */
export interface CopyWatchersTable {
  id: Generated<number>;
  source: string;
  address: string;
  cursor: string;
  lease_owner: string | null;
  lease_until: number | null;
  events: Generated<number>;
  last_trade_ts: number | null;
  advanced_at: number;
  polled_at: number | null;
  error: string | null;
  created_at: number;
  /** Bumped by triggers whenever one of this leader's follows changes (migration 017). */
  follows_generation: Generated<number>;
}

export interface LeaderHoldingsTable {
  watcher_id: number;
  market: string;
  size: string;
}

/** One decision per (follow, leader trade): copied or skipped with a reason. */
export interface CopyDecisionsTable {
  id: Generated<number>;
  user_id: number;
  trader_id: number;
  source: string;
  source_trade_id: string;
  source_ts: number;
  detected_at: number;
  decided_at: number;
  status: string;
  reason: string | null;
  reduced_by: string | null;
  side: string;
  market: string;
  outcome_index: number | null;
  leader_size: string;
  leader_price: string;
  size: string | null;
  price: string | null;
  order_id: number | null;
  position_id: number | null;
  latency_ms: number;
}

export interface PaperAccountsTable {
  user_id: number;
  venue: string;
  balance: string;
  initial_balance: string;
  reset_at: number;
  updated_at: number;
}

/** The copy engine's tables, merged into `DB`. */
export interface DB {
  copy_watchers: CopyWatchersTable;
  leader_holdings: LeaderHoldingsTable;
  copy_decisions: CopyDecisionsTable;
  paper_accounts: PaperAccountsTable;
}

/** A lease that makes one instance of a fleet the holder of a background role. */
export interface FleetLeasesTable {
  name: string;
  owner: string;
  until: number;
  acquired_at: number;
}

/** The fleet's identity: one row, the same for every instance on this database. */
export interface FleetTable {
  singleton: number;
  id: string;
  created_at: number;
}

/** The fleet's tables, merged into `DB`. */
export interface DB {
  fleet_leases: FleetLeasesTable;
  fleet: FleetTable;
}

/**
 * An Idempotency-Key a user sent with a creating request: the request's
 * fingerprint, and once it answered, the answer to replay (migration 009).
 */
export interface IdempotencyKeysTable {
  user_id: number;
  key: string;
  /** sha256 of the method, route and body. */
  fingerprint: string;
  /** `pending` while the first request runs, `done` once its answer is stored. */
  state: string;
  response_status: number | null;
  /** The answer's body as sent (JSON text). */
  response_body: string | null;
  /** The answer's headers worth replaying (location, etag) as a JSON object. */
  response_headers: string | null;
  created_at: number;
  expires_at: number;
}

export interface DB {
  idempotency_keys: IdempotencyKeysTable;
}

/** Live copies' tables (migration 012), merged into `DB`. */
export interface DB {
  credentials: CredentialsTable;
  live_copy_orders: LiveCopyOrdersTable;
  live_copy_holdings: LiveCopyHoldingsTable;
  copy_pauses: CopyPausesTable;
}
