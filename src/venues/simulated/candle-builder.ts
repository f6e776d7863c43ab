/**
 * OHLCV bars of any timeframe from the price model. Intraday bars aggregate
 * minutes of one day path; daily and longer bars aggregate whole days, whose
 * summaries are memoised because they never change once the day is over.
 * The bar in progress ends at the current price, so tickers and candles agree.
 */

import type { Candle, Timeframe } from '../../domain/market.js';
import {
  barOpen,
  DAY_MS,
  MINUTE_MS,
  nextBarOpen,
  parseTimeframe,
  timeframeMs,
} from '../../domain/timeframe.js';
import { growingLru } from '../../lib/growing-lru.js';
import type { OhlcvOptions } from '../types.js';
import { MINUTES_PER_DAY, minuteHigh, minuteLow } from './intraday-path.js';
import type { PriceModel } from './price-model.js';
import type { Instrument } from './universe.js';

/** A bar in latent level units (see `Instrument.level0`). */
interface LevelBar {
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The rolling 24 h window ending in `minute` (minutes since the epoch). */
interface RollingDay {
  minute: number;
  open: number;
  volume: number;
}

/** Builds candles for one model, memoising finished days. */
export class CandleBuilder {
  /** Finished days never change; about 100 bytes each. */
  private readonly days = growingLru<number, LevelBar>(200_000);
  /** Each instrument's last rolling window: it moves once a minute, tickers come far more often. */
  private readonly windows: (RollingDay | undefined)[] = [];

  constructor(private readonly model: PriceModel) {}

  /** Bars of `tf` for `inst` up to and including the one in progress at `now`. */
  candles(inst: Instrument, tf: Timeframe, opts: OhlcvOptions, limit: number, now: number): Candle[] {
    const { unit } = parseTimeframe(tf);
    const intraday = unit === 'm' || unit === 'h';
    const current = barOpen(now, tf);
    let open: number;
    if (opts.since === undefined) {
      open = this.stepBack(current, tf, limit - 1);
    } else {
      const aligned = barOpen(opts.since, tf);
      open = aligned === opts.since ? aligned : nextBarOpen(aligned, tf);
    }
    const out: Candle[] = [];
    while (open <= current && out.length < limit) {
      const end = nextBarOpen(open, tf);
      const bar = intraday
        ? this.minutes(inst, open / MINUTE_MS, end / MINUTE_MS, now)
        : this.daysBar(inst, open, end, now);
      out.push({
        ts: open,
        open: this.model.toPrice(inst, bar.open),
        high: this.model.toPrice(inst, bar.high),
        low: this.model.toPrice(inst, bar.low),
        close: this.model.toPrice(inst, bar.close),
        volume: bar.volume,
      });
      open = end;
    }
    return out;
  }

  /**
   * The rolling 24 h window that ends at `now`, as an exchange's ticker reports
   * it: the open of its first minute and the volume of its 1,440 finished
   * minutes (what the window's 1m candles add up to; the minute in progress
   * has traded nothing yet, as in `candles`). Kept per instrument for the
   * minute it was asked in.
   */
  rollingDay(inst: Instrument, now: number): RollingDay {
    const minute = Math.floor(now / MINUTE_MS);
    const known = this.windows[inst.index];
    if (known?.minute === minute) return known;
    const start = minute - MINUTES_PER_DAY;
    const day = Math.floor(start / MINUTES_PER_DAY);
    const first = this.model.dayPath(inst, day);
    const i0 = start - day * MINUTES_PER_DAY;
    let volume = 0;
    for (let i = i0; i < MINUTES_PER_DAY; i++) volume += first.volume[i]!;
    if (i0 > 0) {
      const next = this.model.dayPath(inst, day + 1).volume;
      for (let i = 0; i < i0; i++) volume += next[i]!;
    }
    const window = { minute, open: this.model.toPrice(inst, first.level[i0]!), volume };
    this.windows[inst.index] = window;
    return window;
  }

  private stepBack(open: number, tf: Timeframe, bars: number): number {
    const len = timeframeMs(tf);
    if (len !== undefined) return open - bars * len;
    const d = new Date(open);
    const { count } = parseTimeframe(tf);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - bars * count, 1);
  }

  /** Aggregates minutes [m0, m1) of one day; the minute at `now` contributes the current level. */
  private minutes(inst: Instrument, m0: number, m1: number, now: number): LevelBar {
    const day = Math.floor(m0 / MINUTES_PER_DAY);
    const path = this.model.dayPath(inst, day);
    const base = day * MINUTES_PER_DAY;
    const lastFull = Math.min(m1, Math.floor(now / MINUTE_MS));
    const open = path.level[m0 - base]!;
    let high = open;
    let low = open;
    let close = open;
    let volume = 0;
    for (let m = m0; m < lastFull; m++) {
      const i = m - base;
      const h = minuteHigh(path, i);
      const l = minuteLow(path, i);
      if (h > high) high = h;
      if (l < low) low = l;
      volume += path.volume[i]!;
      close = path.level[i + 1]!;
    }
    if (now < m1 * MINUTE_MS) {
      close = this.model.levelAt(inst, now);
      if (close > high) high = close;
      if (close < low) low = close;
    }
    return { open, high, low, close, volume };
  }

  /** Aggregates days [t0, t1) (ms, day-aligned); finished days come from the memo. */
  private daysBar(inst: Instrument, t0: number, t1: number, now: number): LevelBar {
    let bar: LevelBar | undefined;
    for (let t = t0; t < t1 && t <= now; t += DAY_MS) {
      const dayBar = this.day(inst, t / DAY_MS, now);
      if (!bar) {
        bar = { ...dayBar };
        continue;
      }
      if (dayBar.high > bar.high) bar.high = dayBar.high;
      if (dayBar.low < bar.low) bar.low = dayBar.low;
      bar.close = dayBar.close;
      bar.volume += dayBar.volume;
    }
    return bar ?? this.day(inst, t0 / DAY_MS, now);
  }

  private day(inst: Instrument, day: number, now: number): LevelBar {
    const start = day * MINUTES_PER_DAY;
    if ((day + 1) * DAY_MS > now) return this.minutes(inst, start, start + MINUTES_PER_DAY, now);
    const key = inst.index * 4_194_304 + day + 2_097_152;
    let bar = this.days.get(key);
    if (!bar) {
      bar = this.minutes(inst, start, start + MINUTES_PER_DAY, now);
      this.days.set(key, bar);
    }
    return bar;
  }
}
