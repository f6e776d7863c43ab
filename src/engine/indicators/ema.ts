/**
 * Exponential moving average with alpha = 2 / (period + 1).
 *
 * Seeding convention: the EMA starts AT THE FIRST VALUE (ema_0 = x_0, as
 * pandas `ewm(adjust=False)` and trading-signals do), not at the SMA of the
 * first `period` values (TA-Lib). Outputs are NaN until `period` values have
 * been seen, which is when trading-signals also reports the EMA as stable.
 */
import { checkPeriod } from './period.js';

export class Ema {
  readonly period: number;
  /** The latest EMA, NaN during warm-up. */
  value = Number.NaN;
  private readonly alpha: number = 0;
  private state = Number.NaN;
  private count = 0;

  constructor(period: number) {
    this.period = checkPeriod('EMA', period);
    this.alpha = 2 / (period + 1);
  }

  update(x: number): number {
    const s = this.count === 0 ? x : x * this.alpha + this.state * (1 - this.alpha);
    this.state = s;
    if (this.count < this.period) {
      this.count++;
      if (this.count < this.period) return Number.NaN;
    }
    this.value = s;
    return s;
  }
}

/** EMA of every value; NaN for the first `period - 1`. */
export function ema(values: Float64Array, period: number): Float64Array {
  checkPeriod('EMA', period);
  const out = new Float64Array(values.length);
  const a = 2 / (period + 1);
  let s = values[0] ?? 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    s = i === 0 ? x : x * a + s * (1 - a);
    out[i] = i >= period - 1 ? s : Number.NaN;
  }
  return out;
}
