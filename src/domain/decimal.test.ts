import { describe, expect, it } from 'vitest';
import { dec, parseDecimal, tryParseDecimal } from './decimal.js';
import { ValidationError } from './errors.js';

describe('decimal', () => {
  it('sums a million small fills without drift', () => {
    let exact = '0';
    let float = 0;
    for (let i = 0; i < 1_000_000; i++) {
      exact = dec.add(exact, '0.1');
      float += 0.1;
    }
    expect(exact).toBe('100000');
    expect(float).not.toBe(100000); // the float sum drifts; ours does not
  });

  it('parses strings and numbers to canonical form', () => {
    expect(parseDecimal('12.500', 'p')).toBe('12.5');
    expect(parseDecimal(0.1, 'p')).toBe('0.1');
    expect(parseDecimal(1e-7, 'p')).toBe('0.0000001');
    expect(parseDecimal('0', 'p')).toBe('0');
    expect(parseDecimal('-3.25', 'p', { allowNegative: true })).toBe('-3.25');
  });

  it('rejects NaN, infinities, negatives, exponents, junk and excess precision with a named path', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '-1',
      '1e5',
      'abc',
      '',
      null,
      {},
      true,
      '1.'.padEnd(30, '1'),
    ]) {
      expect(() => parseDecimal(bad, 'body.price')).toThrow(ValidationError);
    }
    expect(tryParseDecimal('1'.repeat(21))).toMatch(/below 10\^20/);
    expect(tryParseDecimal('0.' + '1'.repeat(19))).toMatch(/at most 18 decimal places/);
    try {
      parseDecimal(-1, 'body.price');
    } catch (e) {
      expect((e as ValidationError).details[0]).toEqual({
        path: 'body.price',
        message: 'must not be negative',
      });
    }
  });

  it('multiplies and divides exactly where it can', () => {
    expect(dec.mul('0.1', '0.2')).toBe('0.02');
    expect(dec.div('1', '3')).toBe('0.333333333333333333');
    expect(dec.sub('0.3', '0.1')).toBe('0.2');
    expect(dec.sum(['1.1', '2.2', '3.3'])).toBe('6.6');
  });
});

describe('exact arithmetic', () => {
  it('rounds division half-even at 18 places, including negatives', () => {
    expect(dec.div('2', '3')).toBe('0.666666666666666667');
    expect(dec.div('-2', '3')).toBe('-0.666666666666666667');
    expect(dec.round('0.125', 2)).toBe('0.12');
    expect(dec.round('0.135', 2)).toBe('0.14');
    expect(dec.round('-0.125', 2)).toBe('-0.12');
    expect(() => dec.div('1', '0')).toThrow(RangeError);
  });

  it('keeps products exact beyond 18 places and formats canonically', () => {
    expect(dec.mul('0.000000001', '0.000000000000000001')).toBe('0.000000000000000000000000001');
    expect(dec.add('1.50', '2.50')).toBe('4');
    expect(dec.sub('1', '1.000')).toBe('0');
    expect(dec.cmp('10', '9.999')).toBe(1);
    expect(dec.neg('0')).toBe('0');
  });

  it('canonicalises leading and trailing zeros and JSON exponents', () => {
    expect(parseDecimal('007.5000', 'p')).toBe('7.5');
    expect(parseDecimal('-0.000', 'p')).toBe('0');
    expect(parseDecimal(1.5e-10, 'p')).toBe('0.00000000015');
    expect(parseDecimal(2e19, 'p')).toBe('20000000000000000000');
    expect(() => parseDecimal(2e21, 'p')).toThrow(/below 10\^20/);
  });
});
