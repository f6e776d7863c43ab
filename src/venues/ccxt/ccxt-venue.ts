/**
 * A venue over any ccxt exchange (default BingX). It reuses the module-level
 * instance from `exchange-registry.ts`, derives capabilities from ccxt's
 * metadata plus `exchange-profiles.ts`, and maps ccxt errors to domain errors.
 * Unknown symbols are filtered against the loaded markets before any request,
 * so they are absent from tickers instead of failing the whole batch.
 */
import type { Ticker as CcxtTicker, Exchange, MarketInterface } from 'ccxt';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Candle, Market, Ticker, Timeframe } from '../../domain/market.js';
import type { OhlcvOptions, OrderBook, VenueCapabilities } from '../types.js';
import type { Venue } from '../venue.js';
import { fromCcxtError } from './error-mapping.js';
import { exchangeProfile } from './exchange-profiles.js';
import { type ExchangeOptions, getExchange } from './exchange-registry.js';

export interface CcxtVenueOptions extends ExchangeOptions {
  /** A ccxt exchange id. @default 'bingx' */
  exchangeId?: string;
}

type Level = [number | undefined, number | undefined, ...unknown[]];

function levels(rows: readonly unknown[], depth: number): { price: number; size: number }[] {
  const out: { price: number; size: number }[] = [];
  for (const row of rows as Level[]) {
    const [price, size] = row;
    if (typeof price === 'number' && typeof size === 'number') out.push({ price, size });
    if (out.length === depth) break;
  }
  return out;
}

/**
 * Market data from a real exchange through ccxt.
 *
 * @example
 * const venue = new CcxtVenue({ exchangeId: 'bingx' });
 * const tickers = await venue.fetchTickers(['BTC/USDT', 'ETH/USDT']);
 */
export class CcxtVenue implements Venue {
  readonly capabilities: VenueCapabilities;
  private readonly ex: Exchange;
  private readonly types: Set<string>;

  constructor(opts: CcxtVenueOptions = {}) {
    const id = opts.exchangeId ?? 'bingx';
    this.ex = getExchange(id, opts);
    const profile = exchangeProfile(id);
    this.types = new Set(profile.marketTypes);
    const perSecond = 1000 / Math.max(1, Number(this.ex.rateLimit) || 1000);
    this.capabilities = {
      id,
      maxSymbolsPerBatch: this.ex.has['fetchTickers'] ? profile.maxSymbolsPerBatch : 1,
      rateLimit: { requestsPerSecond: perSecond, burst: 1 },
      weights: profile.weights,
      timeframes: Object.keys(this.ex.timeframes ?? {}),
      maxCandlesPerCall: profile.maxCandlesPerCall,
      marketKinds: ['spot'],
      streaming: false,
    };
  }

  async fetchTickers(symbols: readonly string[]): Promise<Map<string, Ticker>> {
    if (symbols.length > this.capabilities.maxSymbolsPerBatch) {
      throw new ValidationError(
        `${symbols.length} symbols exceed maxSymbolsPerBatch ${this.capabilities.maxSymbolsPerBatch}`,
      );
    }
    const out = new Map<string, Ticker>();
    const markets = await this.call(() => this.ex.loadMarkets());
    const known = symbols.filter((s) => this.listed(markets[s]));
    const first = known[0];
    if (first === undefined) return out;
    const raw: Record<string, CcxtTicker | undefined> = this.ex.has['fetchTickers']
      ? await this.call(() => this.ex.fetchTickers(known))
      : { [first]: await this.call(() => this.ex.fetchTicker(first)) };
    const now = Date.now();
    for (const symbol of known) {
      const t = raw[symbol];
      const last = t?.last ?? t?.close;
      if (!t || typeof last !== 'number') continue;
      const ticker: Ticker = { symbol, ts: t.timestamp ?? now, last };
      if (typeof t.bid === 'number') ticker.bid = t.bid;
      if (typeof t.ask === 'number') ticker.ask = t.ask;
      if (typeof t.baseVolume === 'number') ticker.volume = t.baseVolume;
      if (typeof t.open === 'number') ticker.open24h = t.open;
      out.set(symbol, ticker);
    }
    return out;
  }

  async fetchOHLCV(symbol: string, timeframe: Timeframe, opts: OhlcvOptions = {}): Promise<Candle[]> {
    if (!this.capabilities.timeframes.includes(timeframe)) {
      throw new ValidationError(`${this.capabilities.id} has no timeframe ${timeframe}`);
    }
    await this.requireMarket(symbol);
    const limit = Math.min(
      opts.limit ?? this.capabilities.maxCandlesPerCall,
      this.capabilities.maxCandlesPerCall,
    );
    const rows = await this.call(() => this.ex.fetchOHLCV(symbol, timeframe, opts.since, limit));
    const out: Candle[] = [];
    for (const [ts, open, high, low, close, volume] of rows) {
      if ([ts, open, high, low, close].every((v) => typeof v === 'number')) {
        out.push({ ts: ts!, open: open!, high: high!, low: low!, close: close!, volume: volume ?? 0 });
      }
    }
    return out.sort((a, b) => a.ts - b.ts);
  }

  async fetchMarkets(): Promise<Market[]> {
    const markets = await this.call(() => this.ex.loadMarkets(true));
    return Object.values(markets)
      .filter((m) => this.listed(m))
      .map((m) => this.toMarket(m!));
  }

  async fetchMarketsByIds(ids: readonly string[]): Promise<Map<string, Market>> {
    const wanted = new Set(ids);
    const out = new Map<string, Market>();
    for (const m of await this.fetchMarkets()) if (wanted.has(m.id)) out.set(m.id, m);
    return out;
  }

  async fetchOrderBook(symbol: string, depth = 20): Promise<OrderBook> {
    await this.requireMarket(symbol);
    const book = await this.call(() => this.ex.fetchOrderBook(symbol, depth));
    return {
      symbol,
      ts: book.timestamp ?? Date.now(),
      bids: levels(book.bids, depth),
      asks: levels(book.asks, depth),
    };
  }

  /** The ccxt instance is shared per exchange, so closing one venue leaves it open. */
  async close(): Promise<void> {}

  private listed(m: MarketInterface | undefined): boolean {
    return m !== undefined && this.types.has(m.type ?? '');
  }

  private async requireMarket(symbol: string): Promise<void> {
    const markets = await this.call(() => this.ex.loadMarkets());
    if (!this.listed(markets[symbol]))
      throw new NotFoundError(`${this.capabilities.id} has no market ${symbol}`);
  }

  private toMarket(m: MarketInterface): Market {
    const market: Market = {
      id: m.id ?? m.symbol,
      symbol: m.symbol,
      kind: 'spot',
      base: m.base,
      quote: m.quote,
      active: m.active !== false,
    };
    if (typeof m.precision?.price === 'number') market.tickSize = m.precision.price;
    if (typeof m.limits?.amount?.min === 'number') market.minSize = m.limits.amount.min;
    return market;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromCcxtError(
        err,
        this.capabilities.id,
        Math.ceil(1000 / this.capabilities.rateLimit.requestsPerSecond),
      );
    }
  }
}
