/**
 * Candles as struct-of-arrays: one Float64Array per field, addressed by bar
 * index. The engine, strategies and indicators read `bars.close[i]` rather
 * than candle objects, so a backtest over a million bars allocates nothing
 * per bar. `CandleBuffer` grows as live candles arrive; a backtest wraps fixed
 * columns. Both are `Bars`, so the same strategy code reads either.
 */
import type { Candle } from '../domain/market.js';

/** Read-only view of OHLCV columns; only indexes below `length` are meaningful. */
export interface Bars {
  readonly length: number;
  /** Bar open time, ms since the epoch. */
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Fixed columns, e.g. a historical series for a backtest. */
export function barsFromColumns(cols: Omit<Bars, 'length'>): Bars {
  const length = cols.close.length;
  for (const k of ['ts', 'open', 'high', 'low', 'volume'] as const) {
    if (cols[k].length !== length)
      throw new RangeError(`bars.${k} has ${cols[k].length} values, close has ${length}`);
  }
  return { length, ...cols };
}

/** Copies candle objects into columns. */
export function barsFromCandles(candles: readonly Candle[]): Bars {
  const buf = new CandleBuffer(candles.length);
  for (const c of candles) buf.push(c);
  return buf;
}

/**
 * Growable columns for candles arriving one at a time (live or paper). The
 * arrays are replaced when capacity doubles, so readers must not keep a
 * column across pushes: read `bars.close[i]` each time.
 */
export class CandleBuffer implements Bars {
  length = 0;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;

  constructor(capacity = 1024) {
    const n = Math.max(1, capacity);
    this.ts = new Float64Array(n);
    this.open = new Float64Array(n);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.close = new Float64Array(n);
    this.volume = new Float64Array(n);
  }

  /** Appends a closed candle; returns its index. */
  push(c: Candle): number {
    if (this.length === this.close.length) this.grow();
    const i = this.length++;
    this.ts[i] = c.ts;
    this.open[i] = c.open;
    this.high[i] = c.high;
    this.low[i] = c.low;
    this.close[i] = c.close;
    this.volume[i] = c.volume;
    return i;
  }

  private grow(): void {
    const n = this.close.length * 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.ts = g(this.ts);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
  }
}
