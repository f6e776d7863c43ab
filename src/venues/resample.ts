/**
 * Aggregates ordered bars into a coarser timeframe (daily into weekly or
 * monthly, minutes into hours): first open, highest high, lowest low, last
 * close, summed volume, each bar stamped with its timeframe open time.
 */

import type { Candle, Timeframe } from '../domain/market.js';
import { barOpen } from '../domain/timeframe.js';

/** Resamples `bars` (ascending by `ts`) into bars of `tf`. */
export function resample(bars: readonly Candle[], tf: Timeframe): Candle[] {
  const out: Candle[] = [];
  let cur: Candle | undefined;
  for (const b of bars) {
    const open = barOpen(b.ts, tf);
    if (cur && cur.ts === open) {
      if (b.high > cur.high) cur.high = b.high;
      if (b.low < cur.low) cur.low = b.low;
      cur.close = b.close;
      cur.volume += b.volume;
    } else {
      cur = { ts: open, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
      out.push(cur);
    }
  }
  return out;
}
