/**
 * Bollinger bands: middle = SMA(period), upper/lower = middle +/- k * the
 * POPULATION standard deviation of the window (divide by period, as
 * trading-signals and most charting packages do). Outputs are NaN for the
 * first `period - 1` values.
 *
 * Streaming keeps the window's mean and its sum of squared deviations (M2)
 * with Welford's sliding update, O(1) per value. A running sum of squares
 * (sumSq / n - mean^2) cancels catastrophically when the price is large
 * against its spread: at an offset of 1e8 it was 51 % off. Welford's
 * update works on deviations, so it keeps the precision of the values
 * themselves; once per full window (amortised O(1)) the mean and M2 are
 * recomputed from the ring in two passes, so rounding cannot drift over a
 * long series.
 */
import { checkPeriod } from './period.js';

export class Bollinger {
  readonly period: number;
  /** The latest bands, NaN during warm-up. */
  middle = Number.NaN;
  upper = Number.NaN;
  lower = Number.NaN;
  private readonly ring: Float64Array;
  private mean = 0;
  /** Sum of squared deviations from `mean` over the window. */
  private m2 = 0;
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
    const n = this.period;
    const p = this.pos;
    const ring = this.ring;
    if (this.count < n) {
      // Filling the window: Welford's add.
      const c = ++this.count;
      const delta = x - this.mean;
      this.mean += delta / c;
      this.m2 += delta * (x - this.mean);
    } else {
      // Full window: x replaces the oldest value.
      const old = ring[p]!;
      const mean = this.mean + (x - old) / n;
      this.m2 += (x - old) * (x - mean + old - this.mean);
      this.mean = mean;
    }
    ring[p] = x;
    this.pos = p + 1 === n ? 0 : p + 1;
    if (this.count < n) return Number.NaN;
    if (this.pos === 0) this.recompute();
    const mean = this.mean;
    const variance = this.m2 / n;
    const sd = variance > 0 ? Math.sqrt(variance) : 0;
    this.middle = mean;
    this.upper = mean + this.k * sd;
    this.lower = mean - this.k * sd;
    return mean;
  }

  /** Two passes over the full window: the exact mean, then M2 around it. */
  private recompute(): void {
    const ring = this.ring;
    const n = this.period;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += ring[i]!;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d = ring[i]! - mean;
      m2 += d * d;
    }
    this.mean = mean;
    this.m2 = m2;
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
