/** Problems.amount: ranges are checked exactly, on decimals, never through floats. */
import { describe, expect, it } from 'vitest';
import { decimal } from '../../src/domain/decimal.js';
import { Problems } from '../../src/domain/validation.js';

describe('Problems.amount', () => {
  it('compares against the range exactly', () => {
    const p = new Problems();
    const max = decimal('100');
    expect(p.amount('100.000000000000000001', 'a', { max })).toBeUndefined();
    expect(p.amount('100', 'b', { max })).toBe('100');
    expect(p.amount('0.000000000000000001', 'c', { min: decimal('0'), minExclusive: true })).toBe(
      '0.000000000000000001',
    );
    expect(p.amount('0', 'd', { min: decimal('0'), minExclusive: true })).toBeUndefined();
    expect(p.amount('99999999999999999999', 'e', { min: decimal('99999999999999999998.5') })).toBe(
      '99999999999999999999',
    );
    expect(p.list).toEqual([
      { path: 'a', message: 'must be at most 100' },
      { path: 'd', message: 'must be greater than 0' },
    ]);
  });

  it('records the parse error and returns no amount', () => {
    const p = new Problems();
    expect(p.amount('-1', 'x')).toBeUndefined();
    expect(p.amount('abc', 'y')).toBeUndefined();
    expect(p.list.map((x) => x.message)).toEqual([
      'must not be negative',
      'must be a decimal number like "12.5", got "abc"',
    ]);
  });
});
