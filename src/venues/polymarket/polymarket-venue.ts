/**
 * Polymarket's binary prediction markets through the official CLOB SDK
 * (`@polymarket/clob-client-v2`, the successor of `@polymarket/clob-client`
 * since the CLOB V2 upgrade). Markets are keyed by slug (symbol) and condition
 * id (id); a ticker is the first outcome's ("Yes") book: best bid and ask, and
 * the last trade price (or the mid) as `last`. Tickers for a whole batch come
 * from one `POST /books` request.
 */
import { Chain, ClobClient, Side } from '@polymarket/clob-client-v2';
import type { Clock } from '../../domain/clock.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Candle, Market, Ticker, Timeframe } from '../../domain/market.js';
import { timeframeMs } from '../../domain/timeframe.js';
import { resample } from '../resample.js';
import type { OhlcvOptions, OrderBook, VenueCapabilities } from '../types.js';
import type { Venue } from '../venue.js';
import { historyPoints, isClobMarket, lastTradePrice, toMarket, toOrderBook } from './clob-market.js';
import { fromClobError } from './error-mapping.js';

export interface PolymarketVenueOptions {
  /** CLOB REST origin. @default 'https://clob.polymarket.com' */
  host?: string;
  /**
   * Which listing to page through: `sampling-markets` (live markets in the
   * rewards programme: the tradable, liquid ones) or `markets` (everything,
   * mostly closed). @default 'sampling-markets'
   */
  listing?: 'sampling-markets' | 'markets';
  /** Most listing pages (up to 1,000 markets each) one `fetchMarkets` reads. @default 20 */
  maxMarketPages?: number;
  /** Conservative request budget; Polymarket's published limits are per endpoint and higher. @default { requestsPerSecond: 20, burst: 50 } */
  rateLimit?: { requestsPerSecond: number; burst: number };
}

/** The CLOB's "no more pages" cursor (base64 of "-1"); the SDK does not export it. */
const END_CURSOR = 'LTE=';
const TIMEFRAMES = ['1m', '5m', '15m', '1h', '6h', '1d', '1w'];
const MAX_CANDLES = 1000;

interface Listed {
  market: Market;
  /** Token id of the first outcome, whose book is the market's ticker. */
  token: string;
}

/**
 * @example
 * const venue = new PolymarketVenue(systemClock);
 * const markets = await venue.fetchMarkets();
 * const tickers = await venue.fetchTickers(markets.slice(0, 50).map((m) => m.symbol));
 */
export class PolymarketVenue implements Venue {
  readonly capabilities: VenueCapabilities;
  private readonly client: ClobClient;
  private bySymbol = new Map<string, Listed>();
  private loaded: Promise<void> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly opts: PolymarketVenueOptions = {},
  ) {
    this.client = new ClobClient({
      host: opts.host ?? 'https://clob.polymarket.com',
      chain: Chain.POLYGON,
      throwOnError: true,
    });
    const pages = opts.maxMarketPages ?? 20;
    this.capabilities = {
      id: 'polymarket',
      maxSymbolsPerBatch: 100,
      rateLimit: opts.rateLimit ?? { requestsPerSecond: 20, burst: 50 },
      // A market listing is one request per page: the weight is the worst case.
      weights: { tickers: 1, ohlcv: 1, markets: pages, orderBook: 1 },
      timeframes: TIMEFRAMES,
      maxCandlesPerCall: MAX_CANDLES,
      marketKinds: ['binary'],
      streaming: false,
    };
  }

  async fetchMarkets(): Promise<Market[]> {
    const listing = this.opts.listing ?? 'sampling-markets';
    const maxPages = this.opts.maxMarketPages ?? 20;
    const next = new Map<string, Listed>();
    let cursor: string | undefined;
    for (let page = 0; page < maxPages && cursor !== END_CURSOR; page++) {
      const c = cursor;
      const res = await this.call('markets', () =>
        listing === 'markets' ? this.client.getMarkets(c) : this.client.getSamplingMarkets(c),
      );
      for (const raw of res.data) {
        if (!isClobMarket(raw) || next.has(raw.market_slug)) continue;
        next.set(raw.market_slug, { market: toMarket(raw), token: raw.tokens[0]!.token_id });
      }
      cursor = res.next_cursor;
      if (!cursor) break;
    }
    this.bySymbol = next;
    this.loaded = Promise.resolve();
    return [...next.values()].map((l) => l.market);
  }

  async fetchMarketsByIds(ids: readonly string[]): Promise<Map<string, Market>> {
    this.checkBatch(ids.length);
    const out = new Map<string, Market>();
    const found = await Promise.all(
      ids.map(async (id) => {
        try {
          return await this.call('market', () => this.client.getMarket(id));
        } catch (err) {
          if (err instanceof NotFoundError) return undefined;
          throw err;
        }
      }),
    );
    for (const raw of found) if (isClobMarket(raw)) out.set(raw.condition_id, toMarket(raw));
    return out;
  }

  async fetchTickers(symbols: readonly string[]): Promise<Map<string, Ticker>> {
    this.checkBatch(symbols.length);
    await this.ensureLoaded();
    const wanted = symbols.flatMap((s) => {
      const l = this.bySymbol.get(s);
      return l ? [{ symbol: s, token: l.token }] : [];
    });
    const out = new Map<string, Ticker>();
    if (wanted.length === 0) return out;
    const books = await this.call('books', () =>
      this.client.getOrderBooks(wanted.map((w) => ({ token_id: w.token, side: Side.BUY }))),
    );
    const byToken = new Map(books.map((b) => [b.asset_id, b]));
    const now = this.clock.now();
    for (const { symbol, token } of wanted) {
      const raw = byToken.get(token);
      if (!raw) continue;
      const book = toOrderBook(symbol, raw, 1, now);
      const bid = book.bids[0]?.price;
      const ask = book.asks[0]?.price;
      const mid = bid !== undefined && ask !== undefined ? (bid + ask) / 2 : undefined;
      const last = lastTradePrice(raw) ?? mid ?? this.bySymbol.get(symbol)?.market.outcomes?.[0]?.price;
      if (last === undefined) continue;
      const ticker: Ticker = { symbol, ts: book.ts, last };
      if (bid !== undefined) ticker.bid = bid;
      if (ask !== undefined) ticker.ask = ask;
      out.set(symbol, ticker);
    }
    return out;
  }

  /** Bars of the first outcome's price, built from `/prices-history` points (volume is not published: 0). */
  async fetchOHLCV(symbol: string, timeframe: Timeframe, opts: OhlcvOptions = {}): Promise<Candle[]> {
    const len = TIMEFRAMES.includes(timeframe) ? timeframeMs(timeframe) : undefined;
    if (len === undefined) throw new ValidationError(`polymarket has no timeframe ${timeframe}`);
    const { token } = await this.listed(symbol);
    const limit = Math.min(opts.limit ?? 500, MAX_CANDLES);
    const now = this.clock.now();
    const start = opts.since ?? now - limit * len;
    const raw: unknown = await this.call('prices-history', () =>
      this.client.getPricesHistory({
        market: token,
        startTs: Math.floor(start / 1000),
        endTs: Math.ceil(Math.min(now, start + limit * len) / 1000),
        fidelity: Math.max(1, Math.round(len / 60_000)),
      }),
    );
    const points = historyPoints(raw).filter(([t]) => t >= start);
    const bars = points.map(([ts, p]) => ({ ts, open: p, high: p, low: p, close: p, volume: 0 }));
    return resample(bars, timeframe).slice(0, limit);
  }

  async fetchOrderBook(symbol: string, depth = 20): Promise<OrderBook> {
    const { token } = await this.listed(symbol);
    const raw = await this.call('book', () => this.client.getOrderBook(token));
    return toOrderBook(symbol, raw, depth, this.clock.now());
  }

  async close(): Promise<void> {}

  private checkBatch(n: number): void {
    if (n > this.capabilities.maxSymbolsPerBatch) {
      throw new ValidationError(
        `${n} symbols exceed maxSymbolsPerBatch ${this.capabilities.maxSymbolsPerBatch}`,
      );
    }
  }

  /** Loads the market index once; symbols need it to find their token ids. */
  private ensureLoaded(): Promise<void> {
    if (!this.loaded) {
      this.loaded = this.fetchMarkets().then(() => undefined);
      this.loaded.catch(() => {
        this.loaded = undefined;
      });
    }
    return this.loaded;
  }

  private async listed(symbol: string): Promise<Listed> {
    await this.ensureLoaded();
    const l = this.bySymbol.get(symbol);
    if (!l) throw new NotFoundError(`polymarket has no market ${symbol}`);
    return l;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromClobError(err, what, Math.ceil(1000 / this.capabilities.rateLimit.requestsPerSecond));
    }
  }
}
