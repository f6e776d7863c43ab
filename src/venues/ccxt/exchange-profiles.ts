/**
 * What ccxt's metadata cannot tell about an exchange, kept as data (as
 * Freqtrade's `_ft_has`): how many upstream requests a unified call costs and
 * how many symbols one ticker call may name. Everything else is derived from
 * the ccxt instance (`has`, `timeframes`, `rateLimit`).
 */
import type { VenueCapabilities } from '../types.js';

export interface ExchangeProfile {
  maxSymbolsPerBatch: number;
  weights: VenueCapabilities['weights'];
  maxCandlesPerCall: number;
  /** ccxt market types the venue lists. */
  marketTypes: string[];
}

const DEFAULT_PROFILE: ExchangeProfile = {
  maxSymbolsPerBatch: 100,
  weights: { tickers: 1, ohlcv: 1, markets: 1, orderBook: 1 },
  maxCandlesPerCall: 500,
  marketTypes: ['spot'],
};

const PROFILES: Record<string, Partial<ExchangeProfile>> = {
  // fetchTickers reads all spot tickers in one request (spot/v1/ticker/24hr);
  // loadMarkets reads spot symbols, USDT-M and coin-M contracts: three requests.
  bingx: {
    maxSymbolsPerBatch: 1000,
    weights: { tickers: 1, ohlcv: 1, markets: 3, orderBook: 1 },
    maxCandlesPerCall: 1440,
  },
};

/** The profile of exchange `id`, defaults filled in. */
export function exchangeProfile(id: string): ExchangeProfile {
  return { ...DEFAULT_PROFILE, ...PROFILES[id] };
}
