/**
 * Synthetic order books around the simulated price: the quoted spread at the
 * top, then levels a few ticks apart with sizes that grow with distance.
 * Sizes are hashed from (instrument, second), so a book is reproducible.
 */

import type { Ticker } from '../../domain/market.js';
import { hash3, unitFromHash } from '../../lib/random.js';
import type { BookLevel, OrderBook } from '../types.js';
import type { Instrument } from './universe.js';

/** Half the quoted spread of `inst` at price `last`. */
export function halfSpread(inst: Instrument, last: number): number {
  return inst.kind === 'spot' ? (last * inst.spread) / 20_000 : inst.spread / 2;
}

/** Fills bid and ask of a ticker from its last price. */
export function quote(inst: Instrument, ticker: Ticker): Ticker {
  const hs = halfSpread(inst, ticker.last);
  if (inst.kind === 'spot') {
    ticker.bid = ticker.last - hs;
    ticker.ask = ticker.last + hs;
  } else {
    ticker.bid = Math.max(0.001, ticker.last - hs);
    ticker.ask = Math.min(0.999, ticker.last + hs);
  }
  return ticker;
}

/** A book of at most `depth` levels a side around `last`. */
export function syntheticBook(
  inst: Instrument,
  last: number,
  ts: number,
  depth: number,
  seed: number,
): OrderBook {
  const hs = halfSpread(inst, last);
  const gap = Math.max(inst.tickSize, inst.kind === 'spot' ? last * 0.0002 : inst.tickSize * 5);
  const baseSize = inst.minuteVolume / 4;
  const second = Math.floor(ts / 1000);
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  const [min, max] = inst.kind === 'spot' ? [0, Number.POSITIVE_INFINITY] : [0, 1];
  for (let k = 0; k < depth; k++) {
    const bidPrice = last - hs - k * gap;
    const askPrice = last + hs + k * gap;
    const sizeOf = (side: number) =>
      baseSize * (1 + 0.3 * k) * (0.5 + unitFromHash(hash3(seed ^ inst.index, second, k * 2 + side)));
    if (bidPrice > min) bids.push({ price: bidPrice, size: sizeOf(0) });
    if (askPrice < max) asks.push({ price: askPrice, size: sizeOf(1) });
  }
  return { symbol: inst.symbol, ts, bids, asks };
}
