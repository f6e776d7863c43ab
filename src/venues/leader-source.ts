/**
 * The trader-activity port: for a (source, address), the leader's trades in
 * the order the source reports them, each with a stable id, and a list of
 * leaders for discovery. Every source is a capability of its venue and passes
 * one conformance suite (`test/conformance/leader-source-conformance.ts`).
 *
 * Sizes and prices are canonical decimal strings as the source reported them
 * (never re-derived through floats); timestamps are ms since the epoch.
 */
import type { Decimal } from '../domain/decimal.js';
import type { Unsubscribe } from './types.js';

export type LeaderSourceId = 'simulated' | 'polymarket' | 'solana' | 'hyperliquid';

/** One trade of a leader as its source reported it. */
export interface LeaderTrade {
  /** Stable id from the source (`sourceTradeId`): the same trade always has the same id. */
  id: string;
  /** When the trade happened, ms since the epoch. */
  ts: number;
  side: 'buy' | 'sell';
  /** The market id of the venue the copies trade on (Polymarket condition id, simulated symbol). */
  market: string;
  /** Binary markets: which outcome (0 = first, "Yes") was traded; null for spot pairs. */
  outcomeIndex: number | null;
  /** Units traded (shares, base asset). */
  size: Decimal;
  /** Price per unit in the quote currency. */
  price: Decimal;
}

/** Where a watcher is in a leader's stream; opaque to everyone but the source. */
export type SourceCursor = string;

export interface TradesPage {
  /** Trades strictly after the cursor, oldest first. */
  trades: LeaderTrade[];
  /** Pass back to continue after the last trade returned; unchanged when nothing was new. */
  cursor: SourceCursor;
}

export type LeaderSort = 'pnl' | 'winRate' | 'volume' | 'trades';
export type LeaderWindow = '7d' | '30d';

/** A leader as discovery lists it, with stats over the window asked for. */
export interface LeaderStats {
  source: LeaderSourceId;
  address: string;
  /** A display name (pseudonym, style) when the source has one. */
  name: string | null;
  /** A short description of the trading style, when known (simulated leaders). */
  style: string | null;
  pnl: Decimal;
  volume: Decimal;
  trades: number;
  /** Share of closed trades that made money, 0..1, or null without closed trades. */
  winRate: number | null;
  lastTradeTs: number | null;
}

export interface RecentTradesQuery {
  since?: number;
  before?: number;
  limit: number;
}

export interface LeaderSourceCapabilities {
  id: LeaderSourceId;
  /** True when `subscribe` delivers trades as they happen (no polling). */
  push: boolean;
  /** How often a polled source should be asked, ms. */
  pollIntervalMs: number;
  /** Most trades one `tradesAfter` call returns. */
  maxPageSize: number;
  /** The address form, in words, for error messages: "0x followed by 40 hex digits". */
  addressForm: string;
  /**
   * How paper copies are priced: `venue` (default) at the current price of the
   * market on the venue copies trade on; `leader-fill` at the leader's own
   * fill price (plus slippage), for sources whose markets no venue here
   * trades (Solana tokens), the market described by the trade itself.
   */
  pricing?: 'venue' | 'leader-fill';
}

export interface LeaderSource {
  readonly capabilities: LeaderSourceCapabilities;

  /** Null when `address` has this source's form; otherwise what is wrong, naming the expected form. */
  addressProblem(address: string): string | null;

  /**
   * The cursor of "now": a watcher that starts here copies only trades made
   * from this moment on (following never back-fills history).
   */
  currentCursor(address: string): Promise<SourceCursor>;

  /**
   * The cursor just before `ts`: reading from it returns the trades made at
   * or after `ts`. A watcher starts at its earliest follow's enabling time,
   * so no trade between following and the watcher's start is missed.
   */
  cursorAt(address: string, ts: number): SourceCursor;

  /**
   * Trades after `cursor`, oldest first, at most `limit`. Retryable upstream
   * trouble is thrown as `UnavailableError`, `TimeoutError` or
   * `RateLimitedError`; an unknown address is simply an empty page.
   */
  tradesAfter(address: string, cursor: SourceCursor, limit: number): Promise<TradesPage>;

  /**
   * Push sources: calls `onTrade` for each new trade of `address` as it
   * happens. The watcher still reads through `tradesAfter` from its stored
   * cursor, so a push is a hint to read now, never the only copy of a trade.
   */
  subscribe?(address: string, onTrade: (t: LeaderTrade) => void): Unsubscribe;

  /** Leaders for discovery, best first by `sort` over `window`. */
  leaders(opts: { sort: LeaderSort; window: LeaderWindow; limit: number }): Promise<LeaderStats[]>;

  /**
   * A leader's trades as the source reports them, newest first: only those at
   * or after `since` and strictly before `before` (epoch ms) when given, at
   * most `limit`. `before` pages backwards through the history.
   */
  recentTrades(address: string, opts: RecentTradesQuery): Promise<LeaderTrade[]>;

  /**
   * The leader's equity (portfolio value in the quote currency) now, for
   * `proportional` sizing; null when the source cannot tell.
   */
  equity(address: string): Promise<Decimal | null>;

  close?(): Promise<void>;
}
