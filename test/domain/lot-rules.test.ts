/** Fitting an amount to a venue's lot rules: rounded down to the step, never up; the broken rule named. */
import { describe, expect, it } from 'vitest';
import { type Decimal, formatExact, parseExact } from '../../src/domain/decimal.js';
import { fitToLot, type LotRules } from '../../src/domain/lot-rules.js';

const x = (s: string) => parseExact(s as Decimal);
const rules: LotRules = { step: x('0.001'), minAmount: x('0.002'), minNotional: x('5') };

describe('fitToLot', () => {
  it('rounds down to the step', () => {
    const r = fitToLot(x('0.123456'), x('100'), rules);
    expect(r.ok && formatExact(r.amount)).toBe('0.123');
  });
  it('names the rule an amount breaks', () => {
    expect(fitToLot(x('0.0009'), x('100'), rules)).toEqual({ ok: false, rule: 'venue_lot_size' });
    expect(fitToLot(x('0.0019'), x('100000'), rules)).toEqual({ ok: false, rule: 'venue_min_amount' });
    expect(fitToLot(x('0.04'), x('100'), rules)).toEqual({ ok: false, rule: 'venue_min_notional' });
  });
  it('accepts any amount without rules, and exactly the minimums', () => {
    const free = fitToLot(x('0.0000001'), x('1'), { step: null, minAmount: null, minNotional: null });
    expect(free.ok && formatExact(free.amount)).toBe('0.0000001');
    const edge = fitToLot(x('0.05'), x('100'), rules);
    expect(edge.ok && formatExact(edge.amount)).toBe('0.05');
  });
});
