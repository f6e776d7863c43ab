/**
 * Simple moving average. Streaming: a ring buffer and a running sum, O(1) per
 * value. Batch: one pass over a Float64Array. The first `period - 1` outputs
 * are NaN (warm-up).
 */
import { checkPeriod } from './period.js';

/**
 * @example
 * const sma = new Sma(3);
 * sma.update(1); sma.update(2); sma.update(3); // 2
 */
export class Sma {
  readonly period: number;
  /** The latest average, NaN during warm-up. */
  value = Number.NaN;
  private readonly ring: Float64Array;
  private sum = 0;
  private count = 0;
  private pos = 0;

  constructor(period: number) {
    this.period = checkPeriod('SMA', period);
    this.ring = new Float64Array(period);
  }

  update(x: number): number {
    const ring = this.ring;
    const p = this.pos;
    this.sum += x - ring[p]!;
    ring[p] = x;
    this.pos = p + 1 === this.period ? 0 : p + 1;
    if (this.count < this.period && ++this.count < this.period) return Number.NaN;
    const v = this.sum / this.period;
    this.value = v;
    return v;
  }
}

/** SMA of every value; NaN for the first `period - 1`. */
export function sma(values: Float64Array, period: number): Float64Array {
  checkPeriod('SMA', period);
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]! - (i >= period ? values[i - period]! : 0);
    out[i] = i >= period - 1 ? sum / period : Number.NaN;
  }
  return out;
}
