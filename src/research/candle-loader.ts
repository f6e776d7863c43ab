/**
 * Loads a date range of candles from any Venue into struct-of-arrays bars,
 * paging through `fetchOHLCV` by `capabilities.maxCandlesPerCall` from
 * `since`, until the range end or the venue's data ends.
 */
import { ValidationError } from '../domain/errors.js';
import type { Timeframe } from '../domain/market.js';
import { CandleBuffer } from '../engine/bars.js';
import type { Venue } from '../venues/venue.js';

/** Most bars one backtest loads. */
export const MAX_BACKTEST_BARS = 5_000_000;

/** Bars with open time in [from, to), ascending. */
export async function loadBars(
  venue: Venue,
  symbol: string,
  timeframe: Timeframe,
  from: number,
  to: number,
  opts: { signal?: AbortSignal; maxBars?: number } = {},
): Promise<CandleBuffer> {
  const maxBars = opts.maxBars ?? MAX_BACKTEST_BARS;
  const limit = venue.capabilities.maxCandlesPerCall;
  const out = new CandleBuffer(1024);
  let since = from;
  for (;;) {
    opts.signal?.throwIfAborted();
    const page = await venue.fetchOHLCV(symbol, timeframe, { since, limit });
    let last = Number.NaN;
    for (const c of page) {
      if (c.ts < since) continue;
      if (c.ts >= to) return out;
      if (out.length >= maxBars) {
        throw new ValidationError(`the range holds more than ${maxBars} bars`, {
          details: [{ path: 'from', message: `the range must hold at most ${maxBars} bars` }],
        });
      }
      out.push(c);
      last = c.ts;
    }
    if (page.length < limit || !(last >= since)) return out;
    since = last + 1;
  }
}
