/**
 * Average-cost position accounting: applying a fill to a signed position
 * realises PnL on the part that reduces it. Used for per-trader performance.
 * Exact arithmetic; only the average price is rounded (half-even, 18 places).
 */
import { type Exact, exact, ZERO } from './decimal.js';
import type { OrderSide } from './order.js';

export interface Holding {
  /** Signed: positive long, negative short. */
  quantity: Exact;
  averagePrice: Exact;
}

export interface FillResult {
  holding: Holding;
  /** Gross PnL realised by this fill (before fees); zero when it only adds. */
  realized: Exact;
  /** True when the fill reduced or closed an existing position (a closed trade). */
  closed: boolean;
}

export const FLAT: Holding = { quantity: ZERO, averagePrice: ZERO };

export function applyFill(h: Holding, side: OrderSide, quantity: Exact, price: Exact): FillResult {
  const signed = side === 'buy' ? quantity : exact.neg(quantity);
  const pos = exact.sign(h.quantity);
  if (pos === 0 || pos === exact.sign(signed)) {
    const held = exact.abs(h.quantity);
    const total = exact.add(held, quantity);
    const cost = exact.add(exact.mul(held, h.averagePrice), exact.mul(quantity, price));
    return {
      holding: { quantity: exact.add(h.quantity, signed), averagePrice: exact.div(cost, total) },
      realized: ZERO,
      closed: false,
    };
  }
  const held = exact.abs(h.quantity);
  const closing = exact.cmp(held, quantity) <= 0 ? held : quantity;
  const perUnit = pos > 0 ? exact.sub(price, h.averagePrice) : exact.sub(h.averagePrice, price);
  const realized = exact.mul(closing, perUnit);
  const remaining = exact.add(h.quantity, signed);
  let holding: Holding;
  if (exact.isZero(remaining)) holding = FLAT;
  else if (exact.sign(remaining) === pos) holding = { quantity: remaining, averagePrice: h.averagePrice };
  else holding = { quantity: remaining, averagePrice: price };
  return { holding, realized, closed: true };
}
