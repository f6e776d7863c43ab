/**
 * Average true range with Wilder smoothing. The first bar's true range is
 * high - low (no previous close); later ones are
 * max(high - low, |high - prevClose|, |low - prevClose|). The ATR starts as
 * the mean of the first `period` true ranges (output index period - 1), then
 * atr += (tr - atr) / period. Earlier outputs are NaN.
 */
import { checkPeriod } from './period.js';

export class Atr {
  readonly period: number;
  /** The latest ATR, NaN during warm-up. */
  value = Number.NaN;
  private prevClose = Number.NaN;
  private avg = 0;
  private count = 0;

  constructor(period: number) {
    this.period = checkPeriod('ATR', period);
  }

  update(high: number, low: number, close: number): number {
    const pc = this.prevClose;
    this.prevClose = close;
    let tr = high - low;
    if (this.count > 0) {
      const up = Math.abs(high - pc);
      const down = Math.abs(low - pc);
      if (up > tr) tr = up;
      if (down > tr) tr = down;
    }
    const n = this.period;
    if (this.count < n) {
      this.avg += tr;
      this.count++;
      if (this.count < n) return Number.NaN;
      this.avg /= n;
    } else {
      this.avg += (tr - this.avg) / n;
    }
    this.value = this.avg;
    return this.avg;
  }
}

/** ATR of every bar; NaN for the first `period - 1`. */
export function atr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  const a = new Atr(period);
  const out = new Float64Array(close.length);
  for (let i = 0; i < close.length; i++) out[i] = a.update(high[i]!, low[i]!, close[i]!);
  return out;
}
