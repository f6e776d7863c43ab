/** A test strategy that enters and exits on the bars it is told, with optional stop/target/limit. */
import type { Bars } from '../../src/engine/bars.js';
import { Action, type Intent } from '../../src/engine/intent.js';
import type { PositionView, Strategy } from '../../src/engine/strategy.js';

export interface Script {
  enter?: number[];
  exit?: number[];
  stopLoss?: number;
  takeProfit?: number;
  limitPrice?: number;
}

export class ScriptedStrategy implements Strategy {
  readonly warmup = 0;
  constructor(private readonly script: Script) {}

  onBar(_bars: Bars, i: number, _pos: PositionView, intent: Intent): void {
    if (this.script.enter?.includes(i)) {
      intent.action = Action.EnterLong;
      intent.reason = `scripted entry at bar ${i}`;
      intent.stopLoss = this.script.stopLoss ?? Number.NaN;
      intent.takeProfit = this.script.takeProfit ?? Number.NaN;
      intent.limitPrice = this.script.limitPrice ?? Number.NaN;
    } else if (this.script.exit?.includes(i)) {
      intent.action = Action.Exit;
      intent.reason = `scripted exit at bar ${i}`;
    }
  }
}

/** Bars from [open, high, low, close, volume] rows, one hour apart from 2024-01-01T00:00Z. */
export function hourly(rows: [number, number, number, number, number?][]) {
  const t0 = Date.UTC(2024, 0, 1);
  return rows.map(([open, high, low, close, volume], i) => ({
    ts: t0 + i * 3_600_000,
    open,
    high,
    low,
    close,
    volume: volume ?? 1_000_000,
  }));
}
