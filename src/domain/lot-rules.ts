/**
 * A venue's order rules for one market — the amount step (lot size), the
 * smallest amount and the smallest notional — and fitting a copy's amount to
 * them: rounded down to the step (never above what sizing allowed), or the
 * rule it breaks, by name. Pure and exact.
 */
import { type Exact, exact } from './decimal.js';

export interface LotRules {
  /** Amounts are multiples of this; null = any. */
  step: Exact | null;
  minAmount: Exact | null;
  /** Smallest amount x price. */
  minNotional: Exact | null;
}

/** Why an amount cannot be ordered: named after the venue rule it breaks. */
export type LotViolation = 'venue_lot_size' | 'venue_min_amount' | 'venue_min_notional';

export type LotFit = { ok: true; amount: Exact } | { ok: false; rule: LotViolation };

/** `amount` rounded down to the step, then checked against the minimums at `price`. */
export function fitToLot(amount: Exact, price: Exact, r: LotRules): LotFit {
  let a = amount;
  if (r.step !== null && exact.sign(r.step) > 0) {
    const q = exact.div(a, r.step, 18);
    const steps = { m: q.m / 10n ** BigInt(q.s), s: 0 };
    a = exact.mul(steps, r.step);
    if (exact.sign(a) <= 0) return { ok: false, rule: 'venue_lot_size' };
  }
  if (exact.sign(a) <= 0) return { ok: false, rule: 'venue_lot_size' };
  if (r.minAmount !== null && exact.cmp(a, r.minAmount) < 0) return { ok: false, rule: 'venue_min_amount' };
  if (r.minNotional !== null && exact.cmp(exact.mul(a, price), r.minNotional) < 0)
    return { ok: false, rule: 'venue_min_notional' };
  return { ok: true, amount: a };
}
