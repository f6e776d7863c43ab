/**
 * Highest high / lowest low over the last `period` values (Donchian channel
 * edges), O(1) amortised per value with a monotonic deque kept in a ring of
 * indexes. NaN until `period` values have been seen.
 */
import { checkPeriod } from './period.js';

export class RollingExtreme {
  readonly period: number;
  /** The latest extreme, NaN during warm-up. */
  value = Number.NaN;
  private readonly vals: Float64Array;
  private readonly idx: Float64Array;
  private head = 0;
  private size = 0;
  private count = 0;

  /** `max` true: highest of the window; false: lowest. */
  constructor(
    period: number,
    readonly max: boolean,
  ) {
    this.period = checkPeriod('rolling extreme', period);
    this.vals = new Float64Array(period + 1);
    this.idx = new Float64Array(period + 1);
  }

  update(x: number): number {
    const cap = this.vals.length;
    const i = this.count++;
    // Drop values the new one dominates, from the back.
    while (this.size > 0) {
      const back = (this.head + this.size - 1) % cap;
      const v = this.vals[back]!;
      if (this.max ? v <= x : v >= x) this.size--;
      else break;
    }
    const slot = (this.head + this.size) % cap;
    this.vals[slot] = x;
    this.idx[slot] = i;
    this.size++;
    // Drop the front when it left the window.
    if (this.idx[this.head]! <= i - this.period) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    if (this.count < this.period) return Number.NaN;
    this.value = this.vals[this.head]!;
    return this.value;
  }
}
