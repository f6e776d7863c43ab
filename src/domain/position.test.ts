/** Position rules: PnL exact on both paths, TP/SL crossing per side, level consistency, price decimals. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dec } from './decimal.js';
import { positionPnl, priceDecimal, tpSlProblem, tpSlTriggered } from './position.js';

const decimal = (maxInt: number, maxScale: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: maxScale }))
    .map(([m, s]) => dec.div(String(m), `1${'0'.repeat(s)}`))
    .map((d) => dec.round(d, 18));

describe('positionPnl', () => {
  it('equals (price - entry) x size, negated for a short, on the fast and the BigInt path alike', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('long' as const, 'short' as const),
        fc.oneof(decimal(10 ** 6, 4), decimal(Number.MAX_SAFE_INTEGER, 12)),
        fc.oneof(decimal(10 ** 8, 8), decimal(Number.MAX_SAFE_INTEGER, 16)),
        fc.oneof(decimal(10 ** 8, 8), decimal(Number.MAX_SAFE_INTEGER, 16)),
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
    expect(positionPnl('long', '2', '0.5', '0.55')).toBe('0.1');
    expect(positionPnl('short', '3', '100', '99.999')).toBe('0.003');
    expect(positionPnl('long', '1', '0.1', '0.1')).toBe('0');
    expect(positionPnl('long', '0.000001', '0.000001', '0.000002')).toBe('0.000000000001');
    expect(positionPnl('long', '123456789012345678', '1', '2')).toBe('123456789012345678');
  });
});

describe('TP/SL', () => {
  it('a long takes profit at or above TP and stops at or below SL; a short the other way', () => {
    expect(tpSlTriggered('long', '0.7', '0.3', '0.7')).toBe('take_profit');
    expect(tpSlTriggered('long', '0.7', '0.3', '0.69')).toBeNull();
    expect(tpSlTriggered('long', '0.7', '0.3', '0.3')).toBe('stop_loss');
    expect(tpSlTriggered('short', '90', '110', '90')).toBe('take_profit');
    expect(tpSlTriggered('short', '90', '110', '111')).toBe('stop_loss');
    expect(tpSlTriggered('short', null, null, '1')).toBeNull();
  });

  it('rejects levels on the wrong sides of each other', () => {
    expect(tpSlProblem('long', '1', '2')).toMatch(/above/);
    expect(tpSlProblem('short', '2', '1')).toMatch(/below/);
    expect(tpSlProblem('long', '2', '1')).toBeNull();
    expect(tpSlProblem('long', null, '1')).toBeNull();
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
