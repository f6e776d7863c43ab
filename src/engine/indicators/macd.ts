/**
 * MACD: macd = EMA(fast) - EMA(slow), signal = EMA(signal) of macd, histogram
 * = macd - signal. Both price EMAs are seeded at the first value (see
 * `ema.ts`); macd is defined from index slow - 1, when the slow EMA is warm,
 * and the signal EMA is seeded with that first macd value and defined after
 * `signal` macd values (index slow + signal - 2). Before that, NaN.
 */
import { checkPeriod } from './period.js';

export class Macd {
  /** The latest values, NaN during their warm-up. */
  macd = Number.NaN;
  signal = Number.NaN;
  histogram = Number.NaN;
  private readonly af: number = 0;
  private readonly as: number = 0;
  private readonly ag: number = 0;
  private fastS = 0;
  private slowS = 0;
  private sigS = 0;
  private count = 0;

  constructor(
    readonly fast = 12,
    readonly slow = 26,
    readonly signalPeriod = 9,
  ) {
    checkPeriod('MACD fast', fast);
    checkPeriod('MACD slow', slow);
    checkPeriod('MACD signal', signalPeriod);
    this.af = 2 / (fast + 1);
    this.as = 2 / (slow + 1);
    this.ag = 2 / (signalPeriod + 1);
  }

  /** Adds a value; returns the macd line. */
  update(x: number): number {
    const c = this.count++;
    if (c === 0) {
      this.fastS = x;
      this.slowS = x;
    } else {
      this.fastS = x * this.af + this.fastS * (1 - this.af);
      this.slowS = x * this.as + this.slowS * (1 - this.as);
    }
    const warm = c - (this.slow - 1);
    if (warm < 0) return Number.NaN;
    const m = this.fastS - this.slowS;
    this.sigS = warm === 0 ? m : m * this.ag + this.sigS * (1 - this.ag);
    this.macd = m;
    if (warm >= this.signalPeriod - 1) {
      this.signal = this.sigS;
      this.histogram = m - this.sigS;
    }
    return m;
  }
}

export interface MacdSeries {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

export function macd(values: Float64Array, fast = 12, slow = 26, signal = 9): MacdSeries {
  const m = new Macd(fast, slow, signal);
  const n = values.length;
  const out = { macd: new Float64Array(n), signal: new Float64Array(n), histogram: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    out.macd[i] = m.update(values[i]!);
    out.signal[i] = m.signal;
    out.histogram[i] = m.histogram;
  }
  return out;
}
