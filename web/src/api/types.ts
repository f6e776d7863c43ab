/** The API's JSON shapes the dashboard reads (see README "API" and src/api/schemas.ts). */

export interface FollowOptions {
  takeProfitPct: string | null;
  stopLossPct: string | null;
  trailingStopPct: string | null;
  maxPositionSize: string | null;
  copyRatio: string;
  copyMode?: CopyMode;
  fixedAmount?: string | null;
}

export type CopyMode = 'ratio' | 'fixed' | 'proportional';
export type LeaderSourceId = 'simulated' | 'polymarket';

export interface Trader {
  id: number;
  name: string;
  /** Where the leader's trades are read: simulated, polymarket, manual. */
  source?: string;
  address: string;
  enabled: boolean;
  allocation: string;
  followOptions: FollowOptions;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface TraderPerformance {
  traderId: number;
  trades: number;
  closedTrades: number;
  wins: number;
  winRate: number | null;
  realizedPnl: string;
  volume: string;
  fees: string;
}

export interface PositionMarket {
  id: string;
  symbol: string;
  kind: string;
  question?: string;
  active: boolean;
  stale: boolean;
}

export interface Position {
  id: number;
  marketId: string;
  symbol: string;
  side: string;
  outcome: string | null;
  size: string;
  entryPrice: string;
  currentPrice: string;
  unrealizedPnl: string;
  realizedPnl: string;
  takeProfit: string | null;
  stopLoss: string | null;
  status: string;
  closeReason: string | null;
  closePrice?: string | null;
  traderId?: number | null;
  version: number;
  openedAt?: string;
  updatedAt: string;
  closedAt?: string | null;
  market?: PositionMarket | null;
}

export interface Market {
  id: string;
  symbol: string;
  kind: string;
  active: boolean;
  question?: string;
  outcomes?: { name: string; price: number }[];
}

export interface Price {
  symbol: string;
  price: number;
  ts: number;
  /** Per cent over the venue's rolling 24 h, a decimal string; absent when the venue does not say. */
  change24h?: string;
  /** Base volume of the rolling 24 h, a decimal string. */
  volume24h?: string;
  stale: boolean;
  ageMs: number;
}

export interface Candle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface ParamSpec {
  name: string;
  type: string;
  default: number | boolean;
  min?: number;
  max?: number;
  description: string;
}

export interface Strategy {
  id: string;
  description: string;
  params: ParamSpec[];
}

export interface Job {
  id: number;
  type: 'backtest' | 'montecarlo' | string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | string;
  priority: string;
  progress: number;
  params: Record<string, unknown>;
  result?: unknown;
  /** Why a succeeded job has no result any more (dropped after JOB_RESULT_TTL_DAYS). */
  resultNote?: string | null;
  error: { code: string; message: string } | null;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Leader {
  source: string;
  address: string;
  name: string | null;
  style: string | null;
  pnl: string;
  volume: string;
  trades: number;
  winRate: number | null;
  lastTradeTs: string | null;
}

export interface LeaderTrade {
  id: string;
  ts: string;
  side: string;
  market: string;
  outcomeIndex: number | null;
  size: string;
  price: string;
}

/** One copy decision of a followed trade: copied (with the copy's size and fill price) or skipped with a reason. */
export interface CopyDecision {
  id: number;
  traderId: number;
  source: string;
  sourceTradeId: string;
  sourceTs: string;
  detectedAt: string;
  decidedAt: string;
  status: 'copied' | 'skipped' | string;
  reason: string | null;
  reducedBy: string | null;
  side: string;
  market: string;
  outcomeIndex: number | null;
  leaderSize: string;
  leaderPrice: string;
  size: string | null;
  price: string | null;
  orderId: number | null;
  positionId: number | null;
  latencyMs: number;
}

export interface PaperAccount {
  venue: string;
  balance: string;
  initialBalance: string;
  resetAt: string;
  updatedAt: string;
}

/** How a followed trader is watched (GET /copies/watchers): last leader trade, when its source last answered. */
export interface WatchStatus {
  traderId: number;
  source: string;
  address: string;
  watching: boolean;
  lastTradeTs: string | null;
  checkedAt: string;
  lagMs: number;
  stalled: boolean;
  error: string | null;
  events: number;
}
