/**
 * What a market is and what it quotes, as every part of the service sees it:
 * timeframes, tickers, candles and markets. Prices here are floats: they are
 * market data for indicators and simulation, never ledger amounts (those are
 * decimal strings, see `decimal.ts`). Timeframe arithmetic is in `timeframe.ts`.
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
  /**
   * The price at the start of that rolling 24 h window (ccxt's `open`), when
   * known: `last` against it is the 24 h change.
   */
  open24h?: number;
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
