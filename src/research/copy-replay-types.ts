/** What a copy replay (copy-replay.ts) is given and what it reports. */
import type { SkipReason } from '../domain/copy.js';
import type { Decimal, Exact } from '../domain/decimal.js';
import type { Market } from '../domain/market.js';
import type { Bars } from '../engine/bars.js';
import type { Trade } from '../engine/trade-log.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import type { CopyBacktestRequest } from './copy-backtest-request.js';
import type { CurvePoint } from './curve-sampler.js';
import type { BacktestMetrics } from './metrics.js';

export interface CopyReplayInput {
  request: CopyBacktestRequest;
  /** The leader's trades in [from, to), oldest first. */
  trades: readonly LeaderTrade[];
  /** The venue's market of each traded market id; null when the venue has none. */
  markets: ReadonlyMap<string, Market | null>;
  /** Candles per market key (`market#outcome`; outcome 1 already inverted), bar open times ascending. */
  bars: ReadonlyMap<string, Bars>;
  barMs: number;
  /** `leader-fill`: copies fill at the leader's price, marked and stopped at the leader's later prices. */
  pricing: 'venue' | 'leader-fill';
  leaderEquity: Exact | null;
  curvePoints?: number;
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

export interface CopiedTrade {
  ts: number;
  side: 'buy' | 'sell';
  market: string;
  size: Decimal;
  price: Decimal;
  fee: Decimal;
  reducedBy: string | null;
}

export interface SkippedTrade {
  ts: number;
  side: 'buy' | 'sell';
  market: string;
  reason: SkipReason;
}

export interface CopyReplayResult {
  metrics: BacktestMetrics;
  equityCurve: CurvePoint[];
  /** Per closed copy, net of fees, for Monte Carlo. */
  tradeReturns: number[];
  /** Closed copies (round trips), with their exit reason. */
  trades: Trade[];
  copied: CopiedTrade[];
  skipped: SkippedTrade[];
  skippedByReason: Record<string, number>;
  leaderTrades: number;
  bars: number;
}
