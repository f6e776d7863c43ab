/**
 * The market-data aggregator: every price, candle and market the product
 * reads goes through here. Reads hit the cache first; misses for different
 * symbols are batched into one upstream call per window (at most the venue's
 * batch size), identical misses are made once, upstream calls wait for the
 * venue's rate limit in a bounded queue, and when the venue fails the last
 * known value is served marked stale with its age. Unknown symbols and ids are
 * answered from the (cached) listing without calling upstream.
 */
import type { Cache, Cached, CacheKind } from '../cache/cache.js';
import type { Clock } from '../domain/clock.js';
import { NotFoundError, RateLimitedError, UnavailableError, ValidationError } from '../domain/errors.js';
import type { Candle, Market, Ticker } from '../domain/market.js';
import { barOpen } from '../domain/timeframe.js';
import type { Venue } from '../venues/venue.js';
import {
  checkKeys,
  type ItemError,
  MARKET_KEY,
  MAX_IDS_PER_REQUEST,
  MAX_SYMBOLS_PER_REQUEST,
  type PriceItem,
  toItemError,
} from './batch-items.js';
import { BatchLoader } from './batch-loader.js';
import { type Listing, listingOf, pageAfter } from './market-listing.js';
import { ObservedPrices } from './observed-prices.js';
import { RequestLimiter } from './request-limiter.js';
import { type TickerDay, tickerDay } from './ticker-day.js';
import { VenueTraffic, type VenueTrafficReport } from './venue-traffic.js';

/** What the cache keeps per symbol: the venue's price, time and 24 h figures, and when we fetched it. */
interface PricePoint extends TickerDay {
  price: number;
  ts: number;
  fetchedAt: number;
}

export interface MarketDataOptions {
  venue: Venue;
  cache: Cache;
  clock: Clock;
  /** Window in which single-symbol misses are merged into one call. @default 2 */
  batchWindowMs?: number;
  /** Callers that may wait for the venue's rate limit before RATE_LIMITED. @default 1000 */
  maxQueue?: number;
  /** How long a streamed price (`observe`) answers price reads after it arrived, ms. @default 20000 (the `price` TTL) */
  observedFreshMs?: number;
}

export class MarketData {
  readonly venue: Venue;
  private readonly cache: Cache;
  private readonly clock: Clock;
  private readonly id: string;
  private readonly limiter: RequestLimiter;
  private readonly traffic: VenueTraffic;
  private readonly tickers: BatchLoader<Ticker>;
  private readonly marketsById: BatchLoader<Market>;
  private readonly observed: ObservedPrices;

  constructor(opts: MarketDataOptions) {
    this.venue = opts.venue;
    this.cache = opts.cache;
    this.clock = opts.clock;
    this.observed = new ObservedPrices(opts.clock, opts.observedFreshMs ?? 20_000);
    const caps = opts.venue.capabilities;
    this.id = caps.id;
    this.traffic = new VenueTraffic(caps.id);
    this.limiter = new RequestLimiter(opts.clock, caps.id, caps.rateLimit, opts.maxQueue ?? 1000);
    const batch = { clock: opts.clock, maxBatch: caps.maxSymbolsPerBatch, windowMs: opts.batchWindowMs ?? 2 };
    this.tickers = new BatchLoader<Ticker>({
      ...batch,
      fetch: (symbols) =>
        this.upstream(caps.weights.tickers, symbols.length, () => this.venue.fetchTickers(symbols)),
    });
    this.marketsById = new BatchLoader<Market>({
      ...batch,
      fetch: (ids) =>
        this.upstream(caps.weights.markets, ids.length, () => this.venue.fetchMarketsByIds(ids)),
    });
  }

  /** Latest prices; unknown symbols and per-symbol failures are reported in `errors`, not thrown. */
  async prices(symbols: readonly string[]): Promise<{ items: PriceItem[]; errors: ItemError[] }> {
    checkKeys(symbols, MAX_SYMBOLS_PER_REQUEST, 'query.symbols');
    const listing = await this.listing();
    const unique = [...new Set(symbols)];
    this.traffic.requests += unique.length;
    const now = this.clock.now();
    const slots: (PriceItem | ItemError)[] = new Array(unique.length);
    const misses: Promise<void>[] = [];
    for (let i = 0; i < unique.length; i++) {
      const symbol = unique[i]!;
      // Hottest path: the price stream's latest tick, newer than anything cached.
      const seen = this.observed.fresh(symbol, now);
      if (seen !== undefined) {
        slots[i] = {
          symbol,
          price: seen.price,
          ts: seen.ts,
          stale: false,
          ageMs: Math.max(0, now - seen.receivedAt),
        };
        continue;
      }
      // Warm path: a fresh L1 hit is answered synchronously, no promise, no tag strings.
      const hit = this.cache.peekHit<PricePoint>('price', `${this.id}:${symbol}`);
      if (hit !== undefined) {
        slots[i] = {
          symbol,
          price: hit.price,
          ts: hit.ts,
          change24h: hit.change24h,
          volume24h: hit.volume24h,
          stale: false,
          ageMs: Math.max(0, now - hit.fetchedAt),
        };
        continue;
      }
      misses.push(
        this.loadPrice(symbol, listing).then(
          (r) => {
            if (r.stale) this.traffic.staleServed++;
            const { price, ts, change24h, volume24h } = r.value;
            slots[i] = { symbol, price, ts, change24h, volume24h, stale: r.stale, ageMs: r.ageMs };
          },
          (err: unknown) => {
            this.traffic.errors++;
            slots[i] = toItemError(err, { symbol });
          },
        ),
      );
    }
    if (misses.length > 0) await Promise.all(misses);
    const items: PriceItem[] = [];
    const errors: ItemError[] = [];
    for (const slot of slots) {
      if ('code' in slot) errors.push(slot);
      else items.push(slot);
    }
    return { items, errors };
  }

  private loadPrice(symbol: string, listing: Listing): Promise<Cached<PricePoint>> {
    const market = listing.bySymbol.get(symbol);
    if (!market) return Promise.reject(new NotFoundError(`${this.id} has no market ${symbol}`));
    return this.cache.getOrLoad('price', `${this.id}:${symbol}`, () => this.fetchPrice(symbol), {
      tags: [`symbol:${symbol}`, `market:${market.id}`],
    });
  }

  private async fetchPrice(symbol: string): Promise<PricePoint> {
    const t = await this.tickers.load(symbol);
    if (!t) throw new NotFoundError(`${this.id} returned no price for ${symbol}`);
    return { price: t.last, ts: t.ts, ...tickerDay(t), fetchedAt: this.clock.now() };
  }

  /**
   * Candles for one symbol and timeframe, cached per (symbol, timeframe, limit).
   * Candles read before the newest bar closed are not fresh, whatever the
   * ohlcv TTL: a 1m bot sees each closed bar in its next run, not up to a TTL later.
   */
  async ohlcv(symbol: string, timeframe: string, limit: number): Promise<Cached<Candle[]>> {
    const caps = this.venue.capabilities;
    if (!caps.timeframes.includes(timeframe)) {
      throw new ValidationError(`query.tf must be one of ${caps.timeframes.join(', ')}`, {
        details: [{ path: 'query.tf', message: `not offered by ${this.id}` }],
      });
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > caps.maxCandlesPerCall) {
      throw new ValidationError(`query.limit must be from 1 to ${caps.maxCandlesPerCall}`, {
        details: [{ path: 'query.limit', message: `at most ${caps.maxCandlesPerCall}` }],
      });
    }
    await this.requireSymbol(symbol);
    this.traffic.requests++;
    return this.cache.getOrLoad(
      'ohlcv',
      `${this.id}:${symbol}:${timeframe}:${limit}`,
      () => this.upstream(caps.weights.ohlcv, 1, () => this.venue.fetchOHLCV(symbol, timeframe, { limit })),
      { tags: [`symbol:${symbol}`], freshAfter: barOpen(this.clock.now(), timeframe) },
    );
  }

  /**
   * Prices the price stream received (the price feed passes on every tick of
   * a listed market): later price reads of these symbols answer from them
   * while they are fresh, without the cache or the venue.
   */
  observe(ticks: readonly Pick<Ticker, 'symbol' | 'last' | 'ts'>[]): void {
    for (const t of ticks) this.observed.note(t.symbol, t.last, t.ts);
  }

  /** The listing's entry for a market id (the cached listing; no per-market call), or undefined. */
  async listed(id: string): Promise<Market | undefined> {
    return (await this.listing()).byId.get(id);
  }

  /** A page of the venue's markets in id order, from the cached listing. */
  async markets(
    limit: number,
    afterId: string | null,
  ): Promise<{ items: Market[]; nextId: string | null; stale: boolean; ageMs: number }> {
    const cached = await this.cachedListing();
    return {
      ...pageAfter(listingOf(cached.value), afterId, limit),
      stale: cached.stale,
      ageMs: cached.ageMs,
    };
  }

  /** Markets by id with fresh detail (outcome prices), batched; unknown ids reported per item. */
  async marketsByIds(
    ids: readonly string[],
  ): Promise<{ items: (Market & { stale: boolean; ageMs: number })[]; errors: ItemError[] }> {
    checkKeys(ids, MAX_IDS_PER_REQUEST, 'body.ids');
    const listing = await this.listing();
    const unique = [...new Set(ids)];
    this.traffic.requests += unique.length;
    const results = await Promise.allSettled(unique.map((id) => this.marketDetail(id, listing)));
    const items: (Market & { stale: boolean; ageMs: number })[] = [];
    const errors: ItemError[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        if (r.value.stale) this.traffic.staleServed++;
        items.push({ ...r.value.value, stale: r.value.stale, ageMs: r.value.ageMs });
      } else {
        this.traffic.errors++;
        errors.push(toItemError(r.reason, { id: unique[i]! }));
      }
    });
    return { items, errors };
  }

  async market(id: string): Promise<Market & { stale: boolean; ageMs: number }> {
    const { items, errors } = await this.marketsByIds([id]);
    const item = items[0];
    if (item) return item;
    const e = errors[0]!;
    if (e.code === 'NOT_FOUND') throw new NotFoundError(e.message);
    if (e.code === 'RATE_LIMITED') throw new RateLimitedError(e.message, 1000);
    throw new UnavailableError(e.message);
  }

  /**
   * Reloads a cached entry for the cache's warming (what its reader's loader
   * would load). Price refreshes go through the batch loader, so warming a
   * hundred hot symbols costs one upstream call.
   */
  async refresh(kind: CacheKind, key: string): Promise<unknown> {
    const rest = key.startsWith(`${this.id}:`) ? key.slice(this.id.length + 1) : undefined;
    if (rest === undefined) throw new ValidationError(`cache key ${key} is not from venue ${this.id}`);
    switch (kind) {
      case 'price':
        return this.fetchPrice(rest);
      case 'marketDetail': {
        const m = await this.marketsById.load(rest);
        if (!m) throw new NotFoundError(`${this.id} returned no market ${rest}`);
        return m;
      }
      case 'ohlcv': {
        const [symbol = '', tf = '', limit = ''] = splitLast(rest, 2);
        const caps = this.venue.capabilities;
        return this.upstream(caps.weights.ohlcv, 1, () =>
          this.venue.fetchOHLCV(symbol, tf, { limit: Number(limit) }),
        );
      }
      case 'marketList':
        return this.upstream(this.venue.capabilities.weights.markets, 1, () => this.venue.fetchMarkets());
      default:
        throw new ValidationError(`market data does not warm ${kind}`);
    }
  }

  trafficReport(): VenueTrafficReport {
    return this.traffic.report(this.limiter.waiting);
  }

  /**
   * Markets the caller already knows exist (their ids and symbols are stored,
   * e.g. on positions), with fresh detail: no listing lookup, so a cold read of
   * any number of them is one batched upstream call. Failures are per item.
   */
  async knownMarkets(
    refs: readonly { id: string; symbol: string }[],
  ): Promise<Map<string, (Market & { stale: boolean; ageMs: number }) | ItemError>> {
    const unique = new Map(refs.map((r) => [r.id, r.symbol]));
    this.traffic.requests += unique.size;
    const out = new Map<string, (Market & { stale: boolean; ageMs: number }) | ItemError>();
    await Promise.all(
      [...unique].map(([id, symbol]) =>
        this.detail(id, symbol).then(
          (r) => {
            if (r.stale) this.traffic.staleServed++;
            out.set(id, { ...r.value, stale: r.stale, ageMs: r.ageMs });
          },
          (err: unknown) => {
            this.traffic.errors++;
            out.set(id, toItemError(err, { id }));
          },
        ),
      ),
    );
    return out;
  }

  /** Market with this symbol in the (cached) listing, or undefined. */
  async marketBySymbol(symbol: string): Promise<Market | undefined> {
    return (await this.listing()).bySymbol.get(symbol);
  }

  private marketDetail(id: string, listing: Listing): Promise<Cached<Market>> {
    const known = listing.byId.get(id);
    if (!known) return Promise.reject(new NotFoundError(`${this.id} has no market with id ${id}`));
    return this.detail(id, known.symbol);
  }

  private detail(id: string, symbol: string): Promise<Cached<Market>> {
    return this.cache.getOrLoad(
      'marketDetail',
      `${this.id}:${id}`,
      async () => {
        const m = await this.marketsById.load(id);
        if (!m) throw new NotFoundError(`${this.id} returned no market ${id}`);
        return m;
      },
      { tags: [`market:${id}`, `symbol:${symbol}`] },
    );
  }

  private async requireSymbol(symbol: string): Promise<Market> {
    if (!MARKET_KEY.test(symbol)) {
      throw new ValidationError(`symbol ${JSON.stringify(symbol.slice(0, 40))} is not a market symbol`, {
        details: [{ path: 'params.symbol', message: 'not a market symbol' }],
      });
    }
    const m = (await this.listing()).bySymbol.get(symbol);
    if (!m) throw new NotFoundError(`${this.id} has no market ${symbol}`);
    return m;
  }

  private cachedListing(): Promise<Cached<Market[]>> {
    const caps = this.venue.capabilities;
    return this.cache.getOrLoad(
      'marketList',
      this.id,
      () => this.upstream(caps.weights.markets, 1, () => this.venue.fetchMarkets()),
      {
        tags: [`venue:${this.id}`],
      },
    );
  }

  private async listing(): Promise<Listing> {
    const hit = this.cache.peekHit<Market[]>('marketList', this.id);
    return listingOf(hit ?? (await this.cachedListing()).value);
  }

  /** One upstream call: wait for the rate limit, then count it. */
  private async upstream<T>(weight: number, keys: number, call: () => Promise<T>): Promise<T> {
    const { value, waitedMs } = await this.limiter.run(weight, () => {
      this.traffic.upstreamCalls++;
      this.traffic.batch(keys);
      return call();
    });
    this.traffic.queueWait.add(waitedMs);
    return value;
  }
}

/** Splits `a:b:c:d` into [`a:b`, `c`, `d`] for n = 2: symbols may contain ':' themselves. */
function splitLast(key: string, n: number): string[] {
  const parts = key.split(':');
  return [parts.slice(0, parts.length - n).join(':'), ...parts.slice(parts.length - n)];
}
