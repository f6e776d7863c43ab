/**
 * The simulated price of every instrument at any instant, as a pure function
 * of (seed, instrument, time): day levels from `DailySeries`, minute paths from
 * `buildDayPath` (kept in a bounded LRU), and within a minute a Brownian
 * bridge stepped at `tickResolutionMs`, advanced lazily only as far as the
 * clock has moved. Two models with the same seed agree at every instant, no
 * matter how often or in what order they are asked.
 */
import { LRUCache } from 'lru-cache';
import { DAY_MS, MINUTE_MS } from '../../domain/timeframe.js';
import { hash2, Rng } from '../../lib/random.js';
import { DailySeries, type DayLevels } from './daily-series.js';
import { buildDayPath, type DayPath, MINUTES_PER_DAY, minuteHigh, minuteLow } from './intraday-path.js';
import type { Instrument } from './universe.js';

export interface PriceModelOptions {
  seed: number;
  /** Day at which every instrument's level equals its `level0`, ms since the epoch. */
  anchorMs: number;
  /** Resolution of the intra-minute path; must divide 60,000. */
  tickResolutionMs: number;
  /** How many instrument-days of minute paths to keep (about 23 KB each). */
  dayPathCacheSize: number;
}

/** Where one instrument's intra-minute path stands. */
interface TickState {
  minute: number;
  step: number;
  level: number;
  from: number;
  to: number;
  stepVariance: number;
  low: number;
  high: number;
  seedKey: number;
  rng: Rng;
}

/** Prices of a fixed set of instruments over all time. */
export class PriceModel {
  private readonly series: (DailySeries | undefined)[] = [];
  private readonly ticks: (TickState | undefined)[] = [];
  private readonly paths: LRUCache<number, DayPath>;
  private readonly scratch = new Rng(0);
  private readonly levels: DayLevels = { open: 0, close: 0, variance: 0, jump: 0 };
  private readonly stepsPerMinute: number;
  private readonly anchorDay: number;

  constructor(
    readonly instruments: readonly Instrument[],
    private readonly opts: PriceModelOptions,
  ) {
    if (!(opts.tickResolutionMs > 0) || MINUTE_MS % opts.tickResolutionMs !== 0) {
      throw new RangeError('tickResolutionMs must divide 60000');
    }
    this.stepsPerMinute = MINUTE_MS / opts.tickResolutionMs;
    this.anchorDay = Math.floor(opts.anchorMs / DAY_MS);
    this.paths = new LRUCache({ max: Math.max(16, opts.dayPathCacheSize) });
  }

  /** Maps a latent level to a price: exp for spot, logistic for binary. */
  toPrice(inst: Instrument, level: number): number {
    return inst.kind === 'spot' ? Math.exp(level) : 1 / (1 + Math.exp(-level));
  }

  /** The minute path of `day` (days since 1970-01-01) for `inst`. */
  dayPath(inst: Instrument, day: number): DayPath {
    const key = inst.index * 4_194_304 + day + 2_097_152;
    let path = this.paths.get(key);
    if (!path) {
      let s = this.series[inst.index];
      if (!s) {
        s = new DailySeries(inst, this.opts.seed, this.anchorDay);
        this.series[inst.index] = s;
      }
      s.day(day, this.levels);
      path = buildDayPath(this.opts.seed, inst.index, day, this.levels, inst.minuteVolume, this.scratch);
      this.paths.set(key, path);
    }
    return path;
  }

  /**
   * Latent level of `inst` at `t`, always within the high/low of the minute
   * that contains `t` (so ticks never fall outside their 1m candle). The
   * bridge is folded back at those bounds, not clamped to them: a clamped
   * walk that wandered past a bound sat on it, the price frozen for seconds
   * (ARB/USDT for 11 s with seed 1 on 2026-12-06 19:42), which no market
   * does and which stalled everything waiting for the next move.
   */
  levelAt(inst: Instrument, t: number): number {
    const minute = Math.floor(t / MINUTE_MS);
    let st = this.ticks[inst.index];
    if (!st || st.minute !== minute) st = this.enterMinute(inst, minute, st);
    const target = Math.floor((t - minute * MINUTE_MS) / this.opts.tickResolutionMs);
    if (target < st.step) this.restartMinute(st);
    const n = this.stepsPerMinute;
    while (st.step < target) {
      const remaining = n - st.step;
      st.level +=
        (st.to - st.level) / remaining +
        Math.sqrt((st.stepVariance * (remaining - 1)) / remaining) * st.rng.normal();
      st.step++;
    }
    return foldInto(st.level, st.low, st.high);
  }

  /** Price of `inst` at `t`. */
  priceAt(inst: Instrument, t: number): number {
    return this.toPrice(inst, this.levelAt(inst, t));
  }

  private enterMinute(inst: Instrument, minute: number, prev: TickState | undefined): TickState {
    const day = Math.floor(minute / MINUTES_PER_DAY);
    const i = minute - day * MINUTES_PER_DAY;
    const path = this.dayPath(inst, day);
    const st: TickState = prev ?? {
      minute,
      step: 0,
      level: 0,
      from: 0,
      to: 0,
      stepVariance: 0,
      low: 0,
      high: 0,
      seedKey: 0,
      rng: new Rng(0),
    };
    st.minute = minute;
    st.from = path.level[i]!;
    st.to = path.level[i + 1]!;
    st.stepVariance = path.variance[i]! / this.stepsPerMinute;
    st.low = minuteLow(path, i);
    st.high = minuteHigh(path, i);
    st.seedKey = hash2(path.key, i);
    this.ticks[inst.index] = st;
    this.restartMinute(st);
    return st;
  }

  private restartMinute(st: TickState): void {
    st.rng.reseed(st.seedKey);
    st.step = 0;
    st.level = st.from;
  }
}

/** `x` reflected back into [low, high] at each bound (a walk folded this way keeps moving). */
export function foldInto(x: number, low: number, high: number): number {
  if (x >= low && x <= high) return x;
  const width = high - low;
  if (!(width > 0)) return low;
  const period = 2 * width;
  const r = (((x - low) % period) + period) % period;
  return r <= width ? low + r : high - (r - width);
}
