/** Position rules: PnL exact on both paths, TP/SL crossing per side, level consistency, price decimals. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec, decimal } from '../../src/domain/decimal.js';

const d = decimal;

import { positionPnl, priceDecimal, tpSlProblem, tpSlTriggered } from '../../src/domain/position.js';

const decimalArb = (maxInt: number, maxScale: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: maxScale }))
    .map(([m, s]) => dec.div(d(String(m)), d(`1${'0'.repeat(s)}`)))
    .map((d) => dec.round(d, 18));

describe('positionPnl', () => {
  it('equals (price - entry) x size, negated for a short, on the fast and the BigInt path alike', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('long' as const, 'short' as const),
        fc.oneof(decimalArb(10 ** 6, 4), decimalArb(Number.MAX_SAFE_INTEGER, 12)),
        fc.oneof(decimalArb(10 ** 8, 8), decimalArb(Number.MAX_SAFE_INTEGER, 16)),
        fc.oneof(decimalArb(10 ** 8, 8), decimalArb(Number.MAX_SAFE_INTEGER, 16)),
        (side, size, entry, price) => {
          const diff = dec.sub(price, entry);
          const want = dec.mul(side === 'long' ? diff : dec.neg(diff), size);
          expect(positionPnl(side, size, entry, price)).toBe(want);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles the cases that need care', () => {
    expect(positionPnl('long', d('2'), d('0.5'), d('0.55'))).toBe('0.1');
    expect(positionPnl('short', d('3'), d('100'), d('99.999'))).toBe('0.003');
    expect(positionPnl('long', d('1'), d('0.1'), d('0.1'))).toBe('0');
    expect(positionPnl('long', d('0.000001'), d('0.000001'), d('0.000002'))).toBe('0.000000000001');
    expect(positionPnl('long', d('123456789012345678'), d('1'), d('2'))).toBe('123456789012345678');
  });
});

describe('TP/SL', () => {
  it('a long takes profit at or above TP and stops at or below SL; a short the other way', () => {
    expect(tpSlTriggered('long', d('0.7'), d('0.3'), d('0.7'))).toBe('take_profit');
    expect(tpSlTriggered('long', d('0.7'), d('0.3'), d('0.69'))).toBeNull();
    expect(tpSlTriggered('long', d('0.7'), d('0.3'), d('0.3'))).toBe('stop_loss');
    expect(tpSlTriggered('short', d('90'), d('110'), d('90'))).toBe('take_profit');
    expect(tpSlTriggered('short', d('90'), d('110'), d('111'))).toBe('stop_loss');
    expect(tpSlTriggered('short', null, null, d('1'))).toBeNull();
  });

  it('rejects levels on the wrong sides of each other', () => {
    expect(tpSlProblem('long', d('1'), d('2'))).toMatch(/above/);
    expect(tpSlProblem('short', d('2'), d('1'))).toMatch(/below/);
    expect(tpSlProblem('long', d('2'), d('1'))).toBeNull();
    expect(tpSlProblem('long', null, d('1'))).toBeNull();
  });
});

describe('priceDecimal', () => {
  it('keeps 12 significant digits and drops float noise', () => {
    expect(priceDecimal(0.1 + 0.2)).toBe('0.3');
    expect(priceDecimal(65000.123456789)).toBe('65000.1234568');
    expect(priceDecimal(1e-7)).toBe('0.0000001');
    expect(priceDecimal(0)).toBe('0');
    expect(() => priceDecimal(Number.NaN)).toThrow(RangeError);
    expect(() => priceDecimal(-1)).toThrow(RangeError);
  });
});

describe('priceDecimal limits', () => {
  it('rounds sub-1e-18 prices to the stored places and throws on prices with no decimal form', () => {
    expect(priceDecimal(1e-19)).toBe('0');
    expect(() => priceDecimal(1e25)).toThrow(/no decimal form/);
  });
});
