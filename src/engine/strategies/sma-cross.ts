/**
 * `sma-cross`: long when the fast SMA of closes crosses above the slow one,
 * flat when it crosses back below. Crossings are events: a bar where the
 * difference changes sign from <= 0 to > 0 (entry) or from >= 0 to < 0 (exit).
 * The SMAs are advanced a span of bars at a time in `scan`, which marks the
 * crossings; `onBar` only turns a crossing into an intent given the position.
 */
import type { Bars } from '../bars.js';
import { Sma } from '../indicators/sma.js';
import { Action, type Intent } from '../intent.js';
import { type ParamSpec, type ParamValues, validateParams } from '../params.js';
import type { PositionView, Strategy, StrategyDefinition } from '../strategy.js';

const PARAMS: readonly ParamSpec[] = [
  { name: 'fast', type: 'integer', default: 10, min: 1, max: 1000, description: 'fast SMA period, in bars' },
  { name: 'slow', type: 'integer', default: 50, min: 2, max: 5000, description: 'slow SMA period, in bars' },
];

export class SmaCross implements Strategy {
  readonly warmup: number;
  private readonly fast: Sma;
  private readonly slow: Sma;
  private prevDiff = Number.NaN;
  // The last scanned span: fast minus slow SMA on each of its bars, and on the bar before it.
  private spread = new Float64Array(0);
  private spreadBefore = Number.NaN;
  private scanFrom = 0;

  constructor(fast: number, slow: number) {
    this.fast = new Sma(fast);
    this.slow = new Sma(slow);
    this.warmup = slow;
  }

  scan(bars: Bars, from: number, to: number, marked: Int32Array): number {
    const n = to - from;
    if (this.spread.length < n) this.spread = new Float64Array(n);
    const spread = this.spread;
    Sma.updateSpreadColumn(this.fast, this.slow, bars.close, from, to, spread);
    this.spreadBefore = this.prevDiff;
    this.scanFrom = from;
    let prev = this.prevDiff;
    let count = 0;
    for (let k = 0; k < n; k++) {
      const diff = spread[k]!;
      if ((diff > 0 && prev <= 0) || (diff < 0 && prev >= 0)) marked[count++] = from + k;
      prev = diff;
    }
    this.prevDiff = prev;
    return count;
  }

  onBar(_bars: Bars, i: number, pos: PositionView, intent: Intent): void {
    const k = i - this.scanFrom;
    const diff = this.spread[k]!;
    const prev = k > 0 ? this.spread[k - 1]! : this.spreadBefore;
    if (diff > 0 && prev <= 0) {
      if (pos.qty === 0 && !pos.pending) {
        intent.action = Action.EnterLong;
        intent.reason = 'fast SMA crossed above slow SMA';
      }
    } else if (diff < 0 && prev >= 0 && (pos.qty > 0 || pos.pending)) {
      intent.action = Action.Exit;
      intent.reason = 'fast SMA crossed below slow SMA';
    }
  }
}

export const smaCross: StrategyDefinition = {
  id: 'sma-cross',
  description:
    'Long while the fast simple moving average is above the slow one; enters and exits on crossings.',
  params: PARAMS,
  parse: (raw, path) =>
    validateParams(PARAMS, raw, {
      path,
      check(p, problems, at) {
        if ((p.fast as number) >= (p.slow as number))
          problems.add(`${at}.fast`, `must be less than slow (${p.slow})`);
      },
    }),
  create: (p: ParamValues) => new SmaCross(p.fast as number, p.slow as number),
};
