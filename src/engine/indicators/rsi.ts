/**
 * Relative strength index with Wilder smoothing: the average gain and loss
 * start as the simple mean of the first `period` changes, then
 * avg += (change - avg) / period. The first RSI needs `period + 1` values, so
 * outputs 0..period-1 are NaN. A window with no loss gives 100.
 */
import { checkPeriod } from './period.js';

export class Rsi {
  readonly period: number;
  /** The latest RSI (0..100), NaN during warm-up. */
  value = Number.NaN;
  private prev = Number.NaN;
  private gain = 0;
  private loss = 0;
  private count = 0;

  constructor(period: number) {
    this.period = checkPeriod('RSI', period);
  }

  update(x: number): number {
    const prev = this.prev;
    this.prev = x;
    if (this.count === 0) {
      this.count = 1;
      return Number.NaN;
    }
    const change = x - prev;
    const g = Math.max(change, 0);
    const l = change > 0 ? 0 : -change;
    const n = this.period;
    if (this.count <= n) {
      this.gain += g;
      this.loss += l;
      this.count++;
      if (this.count <= n) return Number.NaN;
      this.gain /= n;
      this.loss /= n;
    } else {
      this.gain += (g - this.gain) / n;
      this.loss += (l - this.loss) / n;
    }
    this.value = this.loss === 0 ? 100 : 100 - 100 / (1 + this.gain / this.loss);
    return this.value;
  }
}

/** RSI of every value; NaN for the first `period`. */
export function rsi(values: Float64Array, period: number): Float64Array {
  const r = new Rsi(period);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = r.update(values[i]!);
  return out;
}
