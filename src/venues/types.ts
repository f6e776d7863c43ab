/**
 * What a venue offers beyond the market types of `domain/market.ts`: order
 * books, OHLCV options, capabilities, tick streams.
 */
import type { MarketKind, Ticker, Timeframe } from '../domain/market.js';

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
