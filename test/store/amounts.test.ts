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

  it('reads a stored amount at any scale: a NUMERIC sum keeps the largest scale of its terms', () => {
    // A copy's realised PnL is a 12-place price move times its units: up to 20 places. Their sum
    // came back padded to 20 ("...1820") and was refused as more than 18 places: the overview
    // answered 500 on PostgreSQL.
    expect(canonicalAmount('-2.35556638425954051820')).toBe('-2.3555663842595405182');
    expect(canonicalAmount('-0.00000000000000000000')).toBe('0');
  });

  it('throws on a value that is not a decimal instead of returning it', () => {
    expect(() => canonicalAmount('must not be 0.0')).toThrow(/is not a decimal/);
    // Text that does not end in a zero took a shortcut past the parse: the PostgreSQL PnL bug.
    expect(() => canonicalAmount('must not be negative')).toThrow(/is not a decimal/);
    expect(() => canonicalAmount('1e-7')).toThrow(/is not a decimal/);
    expect(canonicalAmount('-0')).toBe('0');
  });

  it('reads a number the driver returned (an SQLite aggregate) as its decimal', () => {
    expect(canonicalAmount(1e-7)).toBe('0.0000001');
    expect(canonicalAmount(-2.5)).toBe('-2.5');
  });
});
