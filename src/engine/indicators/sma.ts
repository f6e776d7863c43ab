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

  /**
   * Advances `a` and `b`, two SMAs of the same values, together over
   * `src[from..to)`, writing `a`'s minus `b`'s after each value to `out[k]`
   * for `src[from + k]`: the same numbers as `a.update(x) - b.update(x)`
   * value by value, in one pass with both states in locals (a moving-average
   * crossover reads only this spread).
   */
  static updateSpreadColumn(
    a: Sma,
    b: Sma,
    src: Float64Array,
    from: number,
    to: number,
    out: Float64Array,
  ): void {
    const ringA = a.ring;
    const periodA = a.period;
    let sumA = a.sum;
    let countA = a.count;
    let posA = a.pos;
    let valueA = a.value;
    const ringB = b.ring;
    const periodB = b.period;
    let sumB = b.sum;
    let countB = b.count;
    let posB = b.pos;
    let valueB = b.value;
    for (let i = from; i < to; i++) {
      const x = src[i]!;
      sumA += x - ringA[posA]!;
      ringA[posA] = x;
      posA = posA + 1 === periodA ? 0 : posA + 1;
      let va = Number.NaN;
      if (countA === periodA || ++countA === periodA) {
        valueA = sumA / periodA;
        va = valueA;
      }
      sumB += x - ringB[posB]!;
      ringB[posB] = x;
      posB = posB + 1 === periodB ? 0 : posB + 1;
      let vb = Number.NaN;
      if (countB === periodB || ++countB === periodB) {
        valueB = sumB / periodB;
        vb = valueB;
      }
      out[i - from] = va - vb;
    }
    a.sum = sumA;
    a.count = countA;
    a.pos = posA;
    a.value = valueA;
    b.sum = sumB;
    b.count = countB;
    b.pos = posB;
    b.value = valueB;
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
