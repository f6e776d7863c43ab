/**
 * Exact upstream-traffic counters of the simulated venue, so tests and
 * benchmarks can assert how many calls the layers above really made.
 */

export type VenueMethod =
  | 'fetchTickers'
  | 'fetchOHLCV'
  | 'fetchMarkets'
  | 'fetchMarketsByIds'
  | 'fetchOrderBook';

/** A snapshot of the counters. */
export interface VenueStats {
  /** Calls received per method, whatever their outcome. */
  calls: Record<VenueMethod, number>;
  totalCalls: number;
  /** Symbols (or ids) named across all fetchTickers / fetchMarketsByIds calls. */
  symbolsRequested: number;
  /** Calls rejected by the rate limit, failed at random, or refused during an outage. */
  rateLimited: number;
  faults: number;
  outageRejections: number;
  /** Ticks delivered to stream subscribers, and subscriptions currently open. */
  ticksEmitted: number;
  activeSubscriptions: number;
  /** Exceptions thrown by stream handlers (caught so the stream goes on). */
  handlerErrors: number;
}

export function emptyStats(): VenueStats {
  return {
    calls: { fetchTickers: 0, fetchOHLCV: 0, fetchMarkets: 0, fetchMarketsByIds: 0, fetchOrderBook: 0 },
    totalCalls: 0,
    symbolsRequested: 0,
    rateLimited: 0,
    faults: 0,
    outageRejections: 0,
    ticksEmitted: 0,
    activeSubscriptions: 0,
    handlerErrors: 0,
  };
}

export function copyStats(s: VenueStats): VenueStats {
  return { ...s, calls: { ...s.calls } };
}
