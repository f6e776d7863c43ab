import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalInput,
  dec,
  decimal,
  exact,
  formatExact,
  parseDecimal,
  parseExact,
  tryParseDecimal,
} from '../../src/domain/decimal.js';

const d = decimal;

import { ValidationError } from '../../src/domain/errors.js';

describe('decimal', () => {
  it('sums a million small fills without drift', () => {
    const tenth = d('0.1');
    let exact = d('0');
    let float = 0;
    for (let i = 0; i < 1_000_000; i++) {
      exact = dec.add(exact, tenth);
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
    expect(tryParseDecimal('1'.repeat(21))).toEqual({ ok: false, error: 'must be below 10^20' });
    expect(tryParseDecimal('0.' + '1'.repeat(19))).toEqual({
      ok: false,
      error: 'must have at most 18 decimal places',
    });
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
    expect(dec.mul(d('0.1'), d('0.2'))).toBe('0.02');
    expect(dec.div(d('1'), d('3'))).toBe('0.333333333333333333');
    expect(dec.sub(d('0.3'), d('0.1'))).toBe('0.2');
    expect(dec.sum([d('1.1'), d('2.2'), d('3.3')])).toBe('6.6');
  });
});

describe('exact arithmetic', () => {
  it('rounds division half-even at 18 places, including negatives', () => {
    expect(dec.div(d('2'), d('3'))).toBe('0.666666666666666667');
    expect(dec.div(d('-2'), d('3'))).toBe('-0.666666666666666667');
    expect(dec.round(d('0.125'), 2)).toBe('0.12');
    expect(dec.round(d('0.135'), 2)).toBe('0.14');
    expect(dec.round(d('-0.125'), 2)).toBe('-0.12');
    expect(() => dec.div(d('1'), d('0'))).toThrow(RangeError);
  });

  it('keeps products exact beyond 18 places and formats canonically', () => {
    expect(dec.mul(d('0.000000001'), d('0.000000000000000001'))).toBe('0.000000000000000000000000001');
    expect(dec.add(d('1.50'), d('2.50'))).toBe('4');
    expect(dec.sub(d('1'), d('1.000'))).toBe('0');
    expect(dec.cmp(d('10'), d('9.999'))).toBe(1);
    expect(dec.neg(d('0'))).toBe('0');
  });

  it('canonicalises leading and trailing zeros and JSON exponents', () => {
    expect(parseDecimal('007.5000', 'p')).toBe('7.5');
    expect(parseDecimal('-0.000', 'p')).toBe('0');
    expect(parseDecimal(1.5e-10, 'p')).toBe('0.00000000015');
    expect(parseDecimal(2e19, 'p')).toBe('20000000000000000000');
    expect(() => parseDecimal(2e21, 'p')).toThrow(/below 10\^20/);
  });
});

describe('parse results and literals', () => {
  it('returns the value or the error, never a message in place of an amount', () => {
    expect(tryParseDecimal('12.50')).toEqual({ ok: true, value: '12.5' });
    expect(tryParseDecimal('-1')).toEqual({ ok: false, error: 'must not be negative' });
    expect(tryParseDecimal('-1', { allowNegative: true })).toEqual({ ok: true, value: '-1' });
    expect(tryParseDecimal(null)).toEqual({
      ok: false,
      error: 'must be a decimal string or number, got null',
    });
  });

  it('decimal() makes canonical literals and refuses anything else at once', () => {
    expect(decimal('-007.50')).toBe('-7.5');
    expect(() => decimal('must not be negative')).toThrow(RangeError);
    expect(() => decimal('1e5')).toThrow(RangeError);
  });
});

describe('comparison on canonical text', () => {
  const cases: [string, string][] = [
    ['0', '0'],
    ['1', '1.000000000000000001'],
    ['0.5', '0.51'],
    ['0.6', '0.51'],
    ['12', '12.5'],
    ['99.999', '100'],
    ['-1', '0'],
    ['-1.5', '-1.25'],
    ['-10', '-9.999'],
    ['12345678901234567890', '12345678901234567889.5'],
  ];
  it('agrees with BigInt comparison', () => {
    for (const [a, b] of cases) {
      const want = exact.cmp(parseExact(d(a)), parseExact(d(b)));
      expect(dec.cmp(d(a), d(b))).toBe(want);
      expect(dec.cmp(d(b), d(a))).toBe(want === 0 ? 0 : -want);
      expect(dec.sign(d(a))).toBe(exact.sign(parseExact(d(a))));
    }
  });

  it('agrees with BigInt comparison on random decimals', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.nat(20), fc.bigInt(), fc.nat(20), (m1, s1, m2, s2) => {
        const a = formatExact({ m: m1, s: s1 });
        const b = formatExact({ m: m2, s: s2 });
        expect(dec.cmp(a, b)).toBe(exact.cmp({ m: m1, s: s1 }, { m: m2, s: s2 }));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('fast paths agree with the full parse', () => {
  it('parseExact reads short and long text alike (digits by character code up to 15 characters)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(20), (m, s) => {
        const x = parseExact(formatExact({ m, s }));
        expect(exact.cmp(x, { m, s })).toBe(0);
      }),
      { numRuns: 3000 },
    );
    expect(parseExact(d('999999999999999'))).toEqual({ m: 999999999999999n, s: 0 });
    expect(parseExact(d('9999999999999999'))).toEqual({ m: 9999999999999999n, s: 0 });
    expect(parseExact(d('-0.00000000000001'))).toEqual({ m: -1n, s: 14 });
  });

  it('canonicalInput takes text as is exactly when the full parse would return it unchanged', () => {
    const text = fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', 'e', ' '), maxLength: 24 });
    fc.assert(
      fc.property(text, fc.boolean(), (t, allowNegative) => {
        const full = tryParseDecimal(t, { allowNegative });
        const same = full.ok && full.value === t;
        expect(canonicalInput(t, allowNegative)).toBe(same ? t : undefined);
      }),
      { numRuns: 5000 },
    );
    expect(canonicalInput('12345678901234567890.123456789012345678')).toBe(
      '12345678901234567890.123456789012345678',
    );
    expect(canonicalInput('123456789012345678901')).toBeUndefined();
    expect(canonicalInput('0.1234567890123456789')).toBeUndefined();
    expect(canonicalInput('-0', true)).toBeUndefined();
    expect(canonicalInput(1.5)).toBeUndefined();
  });
});
