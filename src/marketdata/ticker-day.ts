/**
 * A ticker's 24 h figures as the API answers them: the change of `last`
 * against the window's open in per cent, and the window's base volume, both
 * exact decimal strings. The venue's floats are read at 12 significant digits
 * (`priceDecimal`) first, so the change is the exact ratio of the two quoted
 * prices, rounded half-even to `CHANGE_PLACES`.
 */
import { type Decimal, exact, formatExact, parseExact } from '../domain/decimal.js';
import type { Ticker } from '../domain/market.js';
import { priceDecimal } from '../domain/position.js';

/** Places of the 24 h change in per cent (0.0001 % = one hundredth of a basis point). */
export const CHANGE_PLACES = 4;

const HUNDRED = parseExact('100' as Decimal);

export interface TickerDay {
  /** (last − open24h) / open24h × 100, when the venue reports the window's open and it is not zero. */
  change24h?: Decimal;
  /** Base-asset volume of the window, when the venue reports it. */
  volume24h?: Decimal;
}

/** The 24 h figures of `t`; a figure the venue does not report (or reports as NaN) is left out. */
export function tickerDay(t: Ticker): TickerDay {
  const out: TickerDay = {};
  if (isQuote(t.open24h) && t.open24h > 0 && isQuote(t.last)) {
    const open = parseExact(priceDecimal(t.open24h));
    if (!exact.isZero(open)) {
      const moved = exact.mul(exact.sub(parseExact(priceDecimal(t.last)), open), HUNDRED);
      out.change24h = formatExact(exact.div(moved, open, CHANGE_PLACES));
    }
  }
  if (isQuote(t.volume)) out.volume24h = priceDecimal(t.volume);
  return out;
}

const isQuote = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v >= 0;
