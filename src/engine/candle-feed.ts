/**
 * Live and paper driving of the engine: candles arrive one at a time (from a
 * venue poll or stream), are appended to a CandleBuffer and stepped through
 * the same `Engine.step` a backtest uses. A candle that is not newer than the
 * last one (a repeated poll) is ignored.
 */
import type { Candle } from '../domain/market.js';
import type { CandleBuffer } from './bars.js';
import type { Engine } from './engine.js';

export class CandleFeed {
  constructor(
    private readonly engine: Engine,
    private readonly buffer: CandleBuffer,
  ) {}

  /** Steps the engine on a newly closed candle; false when it was not newer than the last. */
  onCandle(c: Candle): boolean {
    const n = this.buffer.length;
    if (n > 0 && c.ts <= this.buffer.ts[n - 1]!) return false;
    this.engine.step(this.buffer.push(c));
    return true;
  }
}
