/**
 * Market-data types shared by every venue. Prices here are floats: they are
 * market data for indicators and simulation, never ledger amounts (those are
 * decimal strings, see `src/domain/decimal.ts`).
 */

/** A timeframe in exchange notation: `1m`, `5m`, `1h`, `1d`, `1w`, `1M` (calendar month). */
export type Timeframe = string;

/** Best prices of one market at one instant. */
export interface Ticker {
  symbol: string;
  /** Milliseconds since the epoch at which the price was observed. */
  ts: number;
  /** Last traded (or mid) price; for a binary market the price of its first outcome ("Yes"). */
  last: number;
  bid?: number;
  ask?: number;
  /** Base-asset volume over the venue's rolling window (24 h on exchanges), when known. */
  volume?: number;
}

/** One OHLCV bar; `ts` is the bar's open time. */
export interface Candle {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export type MarketKind = 'spot' | 'binary';

/** One outcome of a prediction market, priced as a probability in [0, 1]. */
export interface Outcome {
  name: string;
  price: number;
  /** The venue's id for the outcome token, when it trades separately (Polymarket). */
  tokenId?: string;
}

/** A tradable market: a spot pair or a binary prediction market. */
export interface Market {
  /** The venue's own id (exchange market id, Polymarket condition id). */
  id: string;
  /** The unified symbol used by every other method: `BTC/USDT`, or a slug for binary markets. */
  symbol: string;
  kind: MarketKind;
  base?: string;
  quote?: string;
  /** Binary markets: the question that resolves the market. */
  question?: string;
  /** Binary markets: the outcomes with their current prices. */
  outcomes?: Outcome[];
  /** Binary markets: when trading ends, ms since the epoch. */
  endsAt?: number;
  active: boolean;
  tickSize?: number;
  minSize?: number;
}

export interface BookLevel {
  price: number;
  size: number;
}

/** An order book snapshot: bids best (highest) first, asks best (lowest) first. */
export interface OrderBook {
  symbol: string;
  ts: number;
  bids: BookLevel[];
  asks: BookLevel[];
}

export interface OhlcvOptions {
  /** Earliest bar open time wanted, ms since the epoch. Without it, the most recent bars. */
  since?: number;
  /** How many bars at most; the venue caps it at `capabilities.maxCandlesPerCall`. */
  limit?: number;
}

/** What a venue can do and what it costs: data the market-data layer plans with. */
export interface VenueCapabilities {
  /** Stable venue id, e.g. `simulated`, `replay`, `bingx`, `polymarket`. */
  id: string;
  /** Most symbols one `fetchTickers` (or `fetchMarketsByIds`) call accepts. */
  maxSymbolsPerBatch: number;
  /** The upstream's request budget: sustained rate and bucket size. */
  rateLimit: { requestsPerSecond: number; burst: number };
  /** Budget units one call of each method consumes. */
  weights: { tickers: number; ohlcv: number; markets: number; orderBook: number };
  /** Timeframes `fetchOHLCV` accepts. */
  timeframes: Timeframe[];
  /** Most bars one `fetchOHLCV` call returns. */
  maxCandlesPerCall: number;
  /** Which kinds of market the venue lists. */
  marketKinds: MarketKind[];
  /** Whether `subscribeTicks` is available. */
  streaming: boolean;
}

/** Receives one batch of ticks per stream interval. */
export type TickBatchHandler = (ticks: readonly Ticker[]) => void;

/** Stops what it was returned by; calling it twice is harmless. */
export type Unsubscribe = () => void;
