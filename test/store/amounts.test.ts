/** Amounts read back from a column: canonical, or an error, never a message passed on as an amount. */
import { describe, expect, it } from 'vitest';
import { canonicalAmount, canonicalAmountOrNull } from '../../src/store/amounts.js';

describe('canonicalAmount', () => {
  it('canonicalises PostgreSQL NUMERIC text, signed', () => {
    expect(canonicalAmount('-0.10')).toBe('-0.1');
    expect(canonicalAmount('1.500')).toBe('1.5');
    expect(canonicalAmount('12.5')).toBe('12.5');
    expect(canonicalAmountOrNull(null)).toBeNull();
  });

  it('throws on a value that is not a decimal instead of returning it', () => {
    expect(() => canonicalAmount('must not be 0.0')).toThrow(/is not a decimal/);
  });
});
