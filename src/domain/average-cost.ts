/**
 * Average-cost position accounting: applying a fill to a signed position
 * realises PnL on the part that reduces it. Used for per-trader performance.
 * Exact decimals throughout; the average price is rounded to 18 places.
 */
import { type Decimal, dec } from './decimal.js';
import type { OrderSide } from './order.js';

export interface Holding {
  /** Signed: positive long, negative short. */
  quantity: Decimal;
  averagePrice: Decimal;
}

export interface FillResult {
  holding: Holding;
  /** Gross PnL realised by this fill (before fees); '0' when it only adds. */
  realized: Decimal;
  /** True when the fill reduced or closed an existing position (a closed trade). */
  closed: boolean;
}

export const FLAT: Holding = { quantity: '0', averagePrice: '0' };

export function applyFill(h: Holding, side: OrderSide, quantity: Decimal, price: Decimal): FillResult {
  const signed = side === 'buy' ? quantity : dec.neg(quantity);
  const pos = dec.sign(h.quantity);
  if (pos === 0 || pos === dec.sign(signed)) {
    const held = dec.abs(h.quantity);
    const total = dec.add(held, quantity);
    const avg = dec.div(dec.add(dec.mul(held, h.averagePrice), dec.mul(quantity, price)), total);
    return { holding: { quantity: dec.add(h.quantity, signed), averagePrice: avg }, realized: '0', closed: false };
  }
  const held = dec.abs(h.quantity);
  const closing = dec.min(held, quantity);
  const perUnit = pos > 0 ? dec.sub(price, h.averagePrice) : dec.sub(h.averagePrice, price);
  const realized = dec.mul(closing, perUnit);
  const remaining = dec.add(h.quantity, signed);
  let holding: Holding;
  if (dec.isZero(remaining)) holding = FLAT;
  else if (dec.sign(remaining) === pos) holding = { quantity: remaining, averagePrice: h.averagePrice };
  else holding = { quantity: remaining, averagePrice: price };
  return { holding, realized, closed: true };
}
