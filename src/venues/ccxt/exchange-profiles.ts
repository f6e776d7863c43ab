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
  /** The form of a credential field, where the exchange fixes it (checked before the venue is asked). */
  keyFormats?: Partial<Record<'apiKey' | 'walletAddress' | 'privateKey', { pattern: RegExp; form: string }>>;
  /** ccxt options set on each trading instance (one user's keys). */
  tradingOptions?: Record<string, unknown>;
  /**
   * ccxt methods of trading instances replaced by a no-op: setup calls ccxt
   * would sign for a user that tradeloop never asks for.
   */
  skippedSetup?: string[];
  /** How an order is found by the client order id it was sent with (ccxt's fetchOrder takes the exchange's id). */
  orderByClientId?: {
    /** The createOrder parameter that carries the id. */
    createParam: string;
    /** ccxt's implicit method of the endpoint that finds an order by it, and that parameter. */
    fetchMethod: string;
    fetchParam: string;
    /** Ids the exchange accepts: at most this many of [A-Za-z0-9_]. */
    maxLength: number;
    /** A fetch error whose message matches means "no such order" (not a failure). */
    notFound: RegExp;
  };
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
    // Spot: newClientOrderId on /trade/order, clientOrderID on /trade/query (letters, digits and _, 1-40).
    orderByClientId: {
      createParam: 'newClientOrderId',
      fetchMethod: 'spotV1PrivateGetTradeQuery',
      fetchParam: 'clientOrderID',
      maxLength: 40,
      notFound: /order not exist/i,
    },
  },
  // Orders and balances are spot (live copies trade spot pairs; USDT0 is listed as USDT). ccxt would,
  // before a user's first order, sign an approval of a builder fee for ccxt's builder address and
  // set ccxt's referral code on the account: tradeloop signs neither (refSet, handleBuilderFeeApproval).
  // An API wallet (agent) signs orders for the account at walletAddress (see key-permissions.ts).
  hyperliquid: {
    keyFormats: {
      walletAddress: { pattern: /^0x[0-9a-fA-F]{40}$/, form: '0x and 40 hex digits (the account address)' },
      privateKey: { pattern: /^(0x)?[0-9a-fA-F]{64}$/, form: '64 hex digits, 0x optional' },
    },
    tradingOptions: { defaultType: 'spot', refSet: true, builderFee: false },
    skippedSetup: ['handleBuilderFeeApproval'],
  },
};

/** The profile of exchange `id`, defaults filled in. */
export function exchangeProfile(id: string): ExchangeProfile {
  return { ...DEFAULT_PROFILE, ...PROFILES[id] };
}
