/**
 * A venue over real recorded history (see `datasets.ts`). Files are read
 * lazily, once per venue. In `full` mode everything recorded is visible and
 * tickers show the last close; in `clock` mode only bars already closed at the
 * clock's time are visible (no look-ahead), so a ManualClock replays history.
 * Daily series can be resampled to `1w` and `1M`; monthly series are `1M` only.
 */
import type { Clock } from '../../domain/clock.js';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Candle, Market, Ticker, Timeframe } from '../../domain/market.js';
import { barOpen } from '../../domain/timeframe.js';
import { resample } from '../resample.js';
import type { OhlcvOptions, OrderBook, VenueCapabilities } from '../types.js';
import type { Venue } from '../venue.js';
import { defaultDataDir, loadReplaySeries, type ReplaySeries } from './datasets.js';

export interface ReplayVenueOptions {
  /** Where vega-datasets' files are. @default the installed package's `data/` */
  dataDir?: string;
  /** `full`: all history visible; `clock`: only bars closed by `clock.now()`. @default 'full' */
  mode?: 'full' | 'clock';
}

const MAX_CANDLES = 10_000;
const DEFAULT_CANDLES = 500;
/** Coarser timeframes each native timeframe can be resampled to. */
const DERIVED: Record<string, Timeframe[]> = { '1d': ['1d', '1w', '1M'], '1M': ['1M'] };

/** Index of the first bar with `ts >= t` in ascending `bars`. */
function lowerBound(bars: readonly Candle[], t: number): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars[mid]!.ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Replays recorded daily and monthly history.
 *
 * @example
 * const venue = new ReplayVenue(systemClock);
 * const bars = await venue.fetchOHLCV('SPX', '1d', { limit: 5_000 });
 */
export class ReplayVenue implements Venue {
  readonly capabilities: VenueCapabilities = {
    id: 'replay',
    maxSymbolsPerBatch: 1000,
    rateLimit: { requestsPerSecond: 1_000_000, burst: 1_000_000 },
    weights: { tickers: 1, ohlcv: 1, markets: 1, orderBook: 1 },
    timeframes: ['1d', '1w', '1M'],
    maxCandlesPerCall: MAX_CANDLES,
    marketKinds: ['spot'],
    streaming: false,
  };
  private loading: Promise<Map<string, ReplaySeries>> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly opts: ReplayVenueOptions = {},
  ) {}

  async fetchTickers(symbols: readonly string[]): Promise<Map<string, Ticker>> {
    const series = await this.series();
    const out = new Map<string, Ticker>();
    for (const symbol of symbols) {
      const s = series.get(symbol);
      const bar = s ? this.lastVisible(s) : undefined;
      if (bar) out.set(symbol, { symbol, ts: bar.ts, last: bar.close, volume: bar.volume });
    }
    return out;
  }

  async fetchOHLCV(symbol: string, timeframe: Timeframe, opts: OhlcvOptions = {}): Promise<Candle[]> {
    const s = await this.get(symbol);
    if (!DERIVED[s.timeframe]?.includes(timeframe)) {
      throw new ValidationError(
        `${symbol} has ${s.timeframe} bars; ask for one of ${(DERIVED[s.timeframe] ?? []).join(', ')}`,
      );
    }
    const limit = opts.limit ?? DEFAULT_CANDLES;
    if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit must be a positive integer');
    let bars = s.bars.slice(0, this.visibleCount(s));
    if (timeframe !== s.timeframe) bars = resample(bars, timeframe);
    const capped = Math.min(limit, MAX_CANDLES);
    if (opts.since === undefined) return bars.slice(Math.max(0, bars.length - capped)).map((b) => ({ ...b }));
    const from = lowerBound(bars, opts.since);
    return bars.slice(from, from + capped).map((b) => ({ ...b }));
  }

  async fetchMarkets(): Promise<Market[]> {
    const series = await this.series();
    return [...series.values()].map((s) => this.market(s));
  }

  async fetchMarketsByIds(ids: readonly string[]): Promise<Map<string, Market>> {
    const series = await this.series();
    const out = new Map<string, Market>();
    for (const id of ids) {
      const s = series.get(id);
      if (s) out.set(id, this.market(s));
    }
    return out;
  }

  /** Recorded history has no depth: the book is empty, stamped with the last visible bar. */
  async fetchOrderBook(symbol: string): Promise<OrderBook> {
    const s = await this.get(symbol);
    return { symbol, ts: this.lastVisible(s)?.ts ?? this.clock.now(), bids: [], asks: [] };
  }

  async close(): Promise<void> {}

  private market(s: ReplaySeries): Market {
    return { id: s.symbol, symbol: s.symbol, kind: 'spot', base: s.symbol, quote: 'USD', active: true };
  }

  private series(): Promise<Map<string, ReplaySeries>> {
    if (!this.loading) {
      const dir = this.opts.dataDir ?? defaultDataDir();
      this.loading = loadReplaySeries(dir).then((list) => new Map(list.map((s) => [s.symbol, s])));
      // A failed read is retried by the next call rather than cached forever.
      this.loading.catch(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  private async get(symbol: string): Promise<ReplaySeries> {
    const s = (await this.series()).get(symbol);
    if (!s) throw new NotFoundError(`unknown symbol ${symbol}`);
    return s;
  }

  /** How many bars of `s` are visible: in clock mode, those that opened before the current bar. */
  private visibleCount(s: ReplaySeries): number {
    if (this.opts.mode !== 'clock') return s.bars.length;
    return lowerBound(s.bars, barOpen(this.clock.now(), s.timeframe));
  }

  private lastVisible(s: ReplaySeries): Candle | undefined {
    return s.bars[this.visibleCount(s) - 1];
  }
}
