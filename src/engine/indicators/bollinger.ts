/**
 * Bollinger bands: middle = SMA(period), upper/lower = middle +/- k * the
 * POPULATION standard deviation of the window (divide by period, as
 * trading-signals and most charting packages do). Streaming keeps a running
 * sum and sum of squares, O(1) per value. Outputs are NaN for the first
 * `period - 1` values.
 */
import { checkPeriod } from './period.js';

export class Bollinger {
  readonly period: number;
  /** The latest bands, NaN during warm-up. */
  middle = Number.NaN;
  upper = Number.NaN;
  lower = Number.NaN;
  private readonly ring: Float64Array;
  private sum = 0;
  private sumSq = 0;
  private count = 0;
  private pos = 0;

  constructor(
    period: number,
    readonly k = 2,
  ) {
    this.period = checkPeriod('Bollinger', period);
    this.ring = new Float64Array(period);
  }

  /** Adds a value; returns the middle band. */
  update(x: number): number {
    const p = this.pos;
    const old = this.ring[p]!;
    this.sum += x - old;
    this.sumSq += x * x - old * old;
    this.ring[p] = x;
    this.pos = p + 1 === this.period ? 0 : p + 1;
    if (this.count < this.period) {
      this.count++;
      if (this.count < this.period) return Number.NaN;
    }
    const n = this.period;
    const mean = this.sum / n;
    const variance = this.sumSq / n - mean * mean;
    const sd = variance > 0 ? Math.sqrt(variance) : 0;
    this.middle = mean;
    this.upper = mean + this.k * sd;
    this.lower = mean - this.k * sd;
    return mean;
  }
}

export interface BollingerSeries {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
}

export function bollinger(values: Float64Array, period: number, k = 2): BollingerSeries {
  const b = new Bollinger(period, k);
  const n = values.length;
  const out = { middle: new Float64Array(n), upper: new Float64Array(n), lower: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    out.middle[i] = b.update(values[i]!);
    out.upper[i] = b.upper;
    out.lower[i] = b.lower;
  }
  if (n > 0) {
    for (let i = 0; i < Math.min(n, period - 1); i++) {
      out.upper[i] = Number.NaN;
      out.lower[i] = Number.NaN;
    }
  }
  return out;
}
