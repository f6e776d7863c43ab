/**
 * The one port every market-data source implements. Differences between
 * venues are described by `capabilities` (data), never by branching on a venue
 * id elsewhere. Errors are the shared domain errors: `RateLimitedError` and
 * `UnavailableError`/`TimeoutError` for upstream trouble (retryable),
 * `NotFoundError` for an unknown symbol, `ValidationError` for bad arguments.
 */

import type { Candle, Market, Ticker, Timeframe } from '../domain/market.js';
import type { OhlcvOptions, OrderBook, TickBatchHandler, Unsubscribe, VenueCapabilities } from './types.js';

/**
 * A source of market data.
 *
 * @example
 * const venue = createVenue({ kind: 'simulated', seed: 42 }, systemClock);
 * const tickers = await venue.fetchTickers(['BTC/USDT', 'ETH/USDT']);
 * tickers.get('BTC/USDT')?.last;
 */
export interface Venue {
  readonly capabilities: VenueCapabilities;

  /**
   * Tickers for many symbols in ONE upstream call. The caller keeps
   * `symbols.length <= capabilities.maxSymbolsPerBatch`. Unknown symbols are
   * simply absent from the map.
   */
  fetchTickers(symbols: readonly string[]): Promise<Map<string, Ticker>>;

  /**
   * Bars ordered by `ts` ascending, each with `low <= open, close <= high`.
   * Throws `NotFoundError` for an unknown symbol and `ValidationError` for a
   * timeframe not in `capabilities.timeframes`.
   */
  fetchOHLCV(symbol: string, timeframe: Timeframe, opts?: OhlcvOptions): Promise<Candle[]>;

  /** Every market the venue lists (spot pairs and/or binary markets). */
  fetchMarkets(): Promise<Market[]>;

  /** The markets with these ids, fresh from upstream; unknown ids are absent. */
  fetchMarketsByIds(ids: readonly string[]): Promise<Map<string, Market>>;

  /** Order book with at most `depth` levels a side. Throws `NotFoundError` for an unknown symbol. */
  fetchOrderBook(symbol: string, depth?: number): Promise<OrderBook>;

  /**
   * Present when `capabilities.streaming`: calls `onTicks` with batches of
   * ticks for `symbols` (or every market) until the returned function is called.
   */
  subscribeTicks?(symbols: readonly string[] | 'all', onTicks: TickBatchHandler): Unsubscribe;

  /** Releases timers, streams and connections. The venue is unusable afterwards. */
  close(): Promise<void>;
}
