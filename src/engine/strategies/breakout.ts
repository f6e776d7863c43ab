/**
 * `breakout` (Donchian channel): enters when the close breaks above the
 * highest high of the previous `lookback` bars, exits when it breaks below
 * the lowest low of the previous `exitLookback` bars, or at an optional
 * stop `atrStop` x ATR below the entry close.
 */
import type { Bars } from '../bars.js';
import { Atr } from '../indicators/atr.js';
import { RollingExtreme } from '../indicators/rolling-extreme.js';
import { Action, type Intent } from '../intent.js';
import { type ParamSpec, type ParamValues, validateParams } from '../params.js';
import type { PositionView, Strategy, StrategyDefinition } from '../strategy.js';

const PARAMS: readonly ParamSpec[] = [
  {
    name: 'lookback',
    type: 'integer',
    default: 20,
    min: 2,
    max: 1000,
    description: 'bars whose highest high a close must exceed to enter',
  },
  {
    name: 'exitLookback',
    type: 'integer',
    default: 10,
    min: 1,
    max: 1000,
    description: 'bars whose lowest low a close must break to exit',
  },
  {
    name: 'atrStop',
    type: 'number',
    default: 0,
    min: 0,
    max: 20,
    description: 'stop-loss distance in ATRs below the entry close; 0 = no stop',
  },
  {
    name: 'atrPeriod',
    type: 'integer',
    default: 14,
    min: 1,
    max: 500,
    description: 'ATR period for the stop',
  },
];

export class Breakout implements Strategy {
  readonly warmup: number;
  private readonly high: RollingExtreme;
  private readonly low: RollingExtreme;
  private readonly atr: Atr;

  constructor(
    lookback: number,
    exitLookback: number,
    private readonly atrStop: number,
    atrPeriod: number,
  ) {
    this.high = new RollingExtreme(lookback, true);
    this.low = new RollingExtreme(exitLookback, false);
    this.atr = new Atr(atrPeriod);
    this.warmup = lookback + 1;
  }

  onBar(bars: Bars, i: number, pos: PositionView, intent: Intent): void {
    const prevHigh = this.high.value;
    const prevLow = this.low.value;
    const close = bars.close[i]!;
    this.high.update(bars.high[i]!);
    this.low.update(bars.low[i]!);
    const atr = this.atr.update(bars.high[i]!, bars.low[i]!, close);
    if (pos.qty === 0 && !pos.pending) {
      if (close > prevHigh) {
        intent.action = Action.EnterLong;
        intent.reason = 'close broke above the channel high';
        if (this.atrStop > 0) intent.stopLoss = close - this.atrStop * atr;
      }
    } else if (pos.qty > 0 && close < prevLow) {
      intent.action = Action.Exit;
      intent.reason = 'close broke below the exit channel low';
    }
  }
}

export const breakout: StrategyDefinition = {
  id: 'breakout',
  description:
    'Donchian channel breakout: long on a new high of the lookback window, flat on a new low of the exit window; optional ATR stop.',
  params: PARAMS,
  parse: (raw, path) => validateParams(PARAMS, raw, { path }),
  create: (p: ParamValues) =>
    new Breakout(p.lookback as number, p.exitLookback as number, p.atrStop as number, p.atrPeriod as number),
};
