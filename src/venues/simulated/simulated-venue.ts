/**
 * The default venue: hundreds of spot pairs and binary prediction markets
 * whose prices come from a seeded price model driven by the injected clock
 * (a ManualClock makes every run identical). It behaves like an exchange
 * under test control: latency, a token-bucket limit that rejects with
 * RATE_LIMITED, random faults, outages, and exact counts of every call.
 */
import type { Clock } from '../../domain/clock.js';
import { NotFoundError, RateLimitedError, UnavailableError, ValidationError } from '../../domain/errors.js';
import type { Candle, Market, Ticker, Timeframe } from '../../domain/market.js';
import { hash2, hashString, Rng } from '../../lib/random.js';
import { TokenBucket } from '../../lib/token-bucket.js';
import type { OhlcvOptions, OrderBook, TickBatchHandler, Unsubscribe, VenueCapabilities } from '../types.js';
import type { Venue } from '../venue.js';
import { copyStats, emptyStats, type VenueMethod, type VenueStats } from './call-stats.js';
import { CandleBuilder } from './candle-builder.js';
import { FaultInjector, type OutageWindow } from './fault-injector.js';
import { PriceModel } from './price-model.js';
import { quote, syntheticBook } from './synthetic-book.js';
import { TickStreamer, type TickStreamOptions } from './tick-stream.js';
import { buildUniverse, type Instrument, instrumentMarket } from './universe.js';

/** Options of the simulated venue; every one has a default. */
export interface SimulatedVenueOptions {
  /** Venue id reported in capabilities. @default 'simulated' */
  id?: string;
  /** Names the whole market: instruments and every price. @default 1 */
  seed?: number;
  /** @default 300 */
  spotCount?: number;
  /** @default 100 */
  binaryCount?: number;
  /** Day at which each instrument sits at its starting price, ms since the epoch. @default 2024-01-01 */
  anchorMs?: number;
  /** Resolution of prices within a minute; must divide 60,000. @default 100 */
  tickResolutionMs?: number;
  /** Delay of every call, fixed or uniform in [min, max], on the venue clock. @default 0 */
  latencyMs?: number | { min: number; max: number };
  /** Token bucket that rejects calls over the limit. @default { requestsPerSecond: 50, burst: 100 } */
  rateLimit?: { requestsPerSecond: number; burst: number };
  /** Budget units per call. @default { tickers: 1, ohlcv: 1, markets: 5, orderBook: 1 } */
  weights?: Partial<VenueCapabilities['weights']>;
  /** @default 200 */
  maxSymbolsPerBatch?: number;
  /** Share of calls (0..1) that fail with DEPENDENCY_UNAVAILABLE, drawn from the seed. @default 0 */
  errorRate?: number;
  /** Clock windows during which every call fails. @default [] */
  outages?: OutageWindow[];
  /** @default { intervalMs: 100 } (every subscribed market each interval) */
  stream?: TickStreamOptions;
  /**
   * Instrument-days of minute paths kept in memory (~23 KB each; one is
   * rebuilt in ~0.2 ms). A live market reads two per instrument a minute
   * (today's, and yesterday's for the rolling 24 h), so 400 instruments cycle
   * through 800 a minute whatever the size: 4,096 (94 MB at most) held 17 MiB
   * of them under the copy engine, 256 held 5.6 MiB, for less than 0.5 % of
   * a core either way. 64 cover 32 markets watched all day. @default 64
   */
  dayPathCacheSize?: number;
}

const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '12h', '1d', '1w', '1M'];
const MAX_CANDLES = 1000;
const DEFAULT_CANDLES = 500;
const MAX_DEPTH = 100;

/**
 * A seeded, clock-driven venue with test controls.
 *
 * @example
 * const clock = new ManualClock(Date.UTC(2025, 0, 1));
 * const venue = new SimulatedVenue(clock, { seed: 7, rateLimit: { requestsPerSecond: 10, burst: 10 } });
 * const t = await venue.fetchTickers(['BTC/USDT']);
 * clock.advance(1_000); // prices move with the clock
 * venue.stats().calls.fetchTickers; // 1
 */
export class SimulatedVenue implements Venue {
  readonly capabilities: VenueCapabilities;
  private readonly instruments: Instrument[];
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly model: PriceModel;
  private readonly candles: CandleBuilder;
  private readonly bucket: TokenBucket;
  private readonly faults: FaultInjector;
  private readonly streamer: TickStreamer;
  private readonly latencyRng: Rng;
  private readonly seed: number;
  private counters: VenueStats = emptyStats();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly opts: SimulatedVenueOptions = {},
  ) {
    this.seed = opts.seed ?? 1;
    this.instruments = buildUniverse(this.seed, opts.spotCount ?? 300, opts.binaryCount ?? 100);
    for (const inst of this.instruments) this.bySymbol.set(inst.symbol, inst);
    const rateLimit = opts.rateLimit ?? { requestsPerSecond: 50, burst: 100 };
    this.capabilities = {
      id: opts.id ?? 'simulated',
      maxSymbolsPerBatch: opts.maxSymbolsPerBatch ?? 200,
      rateLimit,
      weights: { tickers: 1, ohlcv: 1, markets: 5, orderBook: 1, ...opts.weights },
      timeframes: TIMEFRAMES,
      maxCandlesPerCall: MAX_CANDLES,
      marketKinds: ['spot', 'binary'],
      streaming: true,
    };
    this.model = new PriceModel(this.instruments, {
      seed: this.seed,
      anchorMs: opts.anchorMs ?? Date.UTC(2024, 0, 1),
      tickResolutionMs: opts.tickResolutionMs ?? 100,
      dayPathCacheSize: opts.dayPathCacheSize ?? 64,
    });
    this.candles = new CandleBuilder(this.model);
    this.bucket = new TokenBucket(clock, rateLimit.requestsPerSecond, rateLimit.burst);
    this.faults = new FaultInjector(
      clock,
      opts.errorRate ?? 0,
      opts.outages ?? [],
      hash2(this.seed, hashString('faults')),
    );
    this.latencyRng = new Rng(hash2(this.seed, hashString('latency')));
    this.streamer = new TickStreamer(
      clock,
      opts.stream ?? { intervalMs: 100 },
      (inst, now) => this.ticker(inst, now),
      {
        ticksEmitted: (n) => {
          this.counters.ticksEmitted += n;
        },
        subscriptionsChanged: (d) => {
          this.counters.activeSubscriptions += d;
        },
        handlerFailed: () => {
          this.counters.handlerErrors++;
        },
      },
    );
  }

  async fetchTickers(symbols: readonly string[]): Promise<Map<string, Ticker>> {
    await this.enter('fetchTickers', this.capabilities.weights.tickers, symbols.length);
    this.checkBatch(symbols.length, 'symbols');
    const now = this.clock.now();
    const out = new Map<string, Ticker>();
    for (const symbol of symbols) {
      const inst = this.bySymbol.get(symbol);
      if (inst) out.set(symbol, this.ticker(inst, now));
    }
    return out;
  }

  async fetchOHLCV(symbol: string, timeframe: Timeframe, opts: OhlcvOptions = {}): Promise<Candle[]> {
    await this.enter('fetchOHLCV', this.capabilities.weights.ohlcv, 0);
    if (!TIMEFRAMES.includes(timeframe)) {
      throw new ValidationError(`timeframe ${timeframe} is not one of ${TIMEFRAMES.join(', ')}`);
    }
    const limit = opts.limit ?? DEFAULT_CANDLES;
    if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit must be a positive integer');
    if (opts.since !== undefined && !Number.isFinite(opts.since))
      throw new ValidationError('since must be a finite number');
    return this.candles.candles(
      this.instrument(symbol),
      timeframe,
      opts,
      Math.min(limit, MAX_CANDLES),
      this.clock.now(),
    );
  }

  async fetchMarkets(): Promise<Market[]> {
    await this.enter('fetchMarkets', this.capabilities.weights.markets, 0);
    const now = this.clock.now();
    return this.instruments.map((inst) => this.market(inst, now));
  }

  async fetchMarketsByIds(ids: readonly string[]): Promise<Map<string, Market>> {
    await this.enter('fetchMarketsByIds', this.capabilities.weights.markets, ids.length);
    this.checkBatch(ids.length, 'ids');
    const now = this.clock.now();
    const out = new Map<string, Market>();
    for (const id of ids) {
      const inst = this.bySymbol.get(id);
      if (inst) out.set(id, this.market(inst, now));
    }
    return out;
  }

  async fetchOrderBook(symbol: string, depth = 20): Promise<OrderBook> {
    await this.enter('fetchOrderBook', this.capabilities.weights.orderBook, 0);
    if (!Number.isInteger(depth) || depth < 1) throw new ValidationError('depth must be a positive integer');
    const inst = this.instrument(symbol);
    const now = this.clock.now();
    return syntheticBook(inst, this.model.priceAt(inst, now), now, Math.min(depth, MAX_DEPTH), this.seed);
  }

  subscribeTicks(symbols: readonly string[] | 'all', onTicks: TickBatchHandler): Unsubscribe {
    if (this.closed) throw new UnavailableError('simulated venue is closed');
    const insts =
      symbols === 'all'
        ? this.instruments
        : symbols.map((s) => this.bySymbol.get(s)).filter((i): i is Instrument => i !== undefined);
    return this.streamer.subscribe(insts, onTicks);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.streamer.stopAll();
  }

  /** Counters of every call received since creation or the last `resetStats()`. */
  stats(): VenueStats {
    return copyStats(this.counters);
  }

  resetStats(): void {
    const active = this.counters.activeSubscriptions;
    this.counters = emptyStats();
    this.counters.activeSubscriptions = active;
  }

  /**
   * The model's price of `symbol` at `ts` (binary: the "Yes" probability),
   * outside the call accounting, latency, limits and faults: for simulations
   * built on this venue, such as the simulated leaders, whose trades must be
   * priced where the venue prices them.
   */
  priceOf(symbol: string, ts: number): number {
    return this.model.priceAt(this.instrument(symbol), ts);
  }

  /** Symbols of the instruments of `kind`, in universe order (for spot: the majors first). */
  instrumentSymbols(kind: 'spot' | 'binary'): string[] {
    return this.instruments.filter((i) => i.kind === kind).map((i) => i.symbol);
  }

  /** Switches a manual outage on or off: while on, every call fails with DEPENDENCY_UNAVAILABLE. */
  setOutage(on: boolean): void {
    this.faults.setOutage(on);
  }

  /** Changes the share of calls (0..1) that fail at random. */
  setErrorRate(rate: number): void {
    this.faults.setErrorRate(rate);
  }

  /** Counts the call, waits the latency, then applies outage, rate limit and random faults. */
  private async enter(method: VenueMethod, weight: number, symbols: number): Promise<void> {
    const c = this.counters;
    c.calls[method]++;
    c.totalCalls++;
    c.symbolsRequested += symbols;
    const latency = this.latency();
    if (latency > 0) await this.clock.sleep(latency);
    if (this.closed) throw new UnavailableError('simulated venue is closed');
    if (this.faults.inOutage()) {
      this.counters.outageRejections++;
      throw new UnavailableError(`simulated venue outage (${method})`);
    }
    const retryAfterMs = this.bucket.take(weight);
    if (retryAfterMs > 0) {
      this.counters.rateLimited++;
      throw new RateLimitedError(`simulated venue rate limit exceeded (${method})`, retryAfterMs);
    }
    if (this.faults.randomError()) {
      this.counters.faults++;
      throw new UnavailableError(`simulated venue fault (${method})`);
    }
  }

  private latency(): number {
    const l = this.opts.latencyMs ?? 0;
    if (typeof l === 'number') return l;
    return l.min + this.latencyRng.next() * (l.max - l.min);
  }

  private checkBatch(n: number, what: string): void {
    if (n > this.capabilities.maxSymbolsPerBatch) {
      throw new ValidationError(
        `${n} ${what} exceed maxSymbolsPerBatch ${this.capabilities.maxSymbolsPerBatch}`,
      );
    }
  }

  private instrument(symbol: string): Instrument {
    const inst = this.bySymbol.get(symbol);
    if (!inst) throw new NotFoundError(`unknown symbol ${symbol}`);
    return inst;
  }

  private ticker(inst: Instrument, now: number): Ticker {
    const day = this.candles.rollingDay(inst, now);
    return quote(inst, {
      symbol: inst.symbol,
      ts: now,
      last: this.model.priceAt(inst, now),
      volume: day.volume,
      open24h: day.open,
    });
  }

  private market(inst: Instrument, now: number): Market {
    return instrumentMarket(inst, inst.kind === 'binary' ? this.model.priceAt(inst, now) : undefined);
  }
}
