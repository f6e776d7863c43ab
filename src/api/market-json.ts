/**
 * A market as the API answers it: its amounts (`tickSize`, `minSize`) as exact
 * decimal strings, like every other amount in an answer. Venues report them as
 * floats (ccxt's precision, Polymarket's tick), which serialise with binary
 * noise (`0.000009999999999999999`); `priceDecimal` reads them at 12
 * significant digits, the precision every venue quotes in.
 */
import type { Decimal } from '../domain/decimal.js';
import type { Market } from '../domain/market.js';
import { priceDecimal } from '../domain/position.js';

export type MarketJson<M extends Market> = Omit<M, 'tickSize' | 'minSize'> & {
  tickSize?: Decimal;
  minSize?: Decimal;
};

export function marketJson<M extends Market>(m: M): MarketJson<M> {
  const { tickSize, minSize, ...rest } = m;
  return {
    ...rest,
    ...(tickSize === undefined ? {} : { tickSize: priceDecimal(tickSize) }),
    ...(minSize === undefined ? {} : { minSize: priceDecimal(minSize) }),
  };
}
