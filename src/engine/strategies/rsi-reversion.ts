/**
 * `rsi-reversion`: buys an oversold market and sells it once overbought.
 * Enters when the Wilder RSI of closes is below `oversold` and exits when it
 * rises above `overbought`.
 */
import type { Bars } from '../bars.js';
import { Rsi } from '../indicators/rsi.js';
import { Action, type Intent } from '../intent.js';
import { type ParamSpec, type ParamValues, validateParams } from '../params.js';
import type { PositionView, Strategy, StrategyDefinition } from '../strategy.js';

const PARAMS: readonly ParamSpec[] = [
  { name: 'period', type: 'integer', default: 14, min: 2, max: 500, description: 'RSI period, in bars' },
  { name: 'oversold', type: 'number', default: 30, min: 1, max: 50, description: 'enter below this RSI' },
  { name: 'overbought', type: 'number', default: 70, min: 50, max: 99, description: 'exit above this RSI' },
];

export class RsiReversion implements Strategy {
  readonly warmup: number;
  private readonly rsi: Rsi;

  constructor(
    period: number,
    private readonly oversold: number,
    private readonly overbought: number,
  ) {
    this.rsi = new Rsi(period);
    this.warmup = period + 1;
  }

  onBar(bars: Bars, i: number, pos: PositionView, intent: Intent): void {
    const r = this.rsi.update(bars.close[i]!);
    if (pos.qty === 0 && !pos.pending) {
      if (r < this.oversold) {
        intent.action = Action.EnterLong;
        intent.reason = 'RSI below oversold';
      }
    } else if (pos.qty > 0 && r > this.overbought) {
      intent.action = Action.Exit;
      intent.reason = 'RSI above overbought';
    }
  }
}

export const rsiReversion: StrategyDefinition = {
  id: 'rsi-reversion',
  description: 'Mean reversion: long when the RSI is oversold, flat once it is overbought.',
  params: PARAMS,
  parse: (raw, path) =>
    validateParams(PARAMS, raw, {
      path,
      check(p, problems, at) {
        if ((p.oversold as number) >= (p.overbought as number)) {
          problems.add(`${at}.oversold`, `must be less than overbought (${p.overbought})`);
        }
      },
    }),
  create: (p: ParamValues) =>
    new RsiReversion(p.period as number, p.oversold as number, p.overbought as number),
};
