/** Number literals a double would change reach the rules as the digits the client sent. */
import { describe, expect, it } from 'vitest';
import { isLossyNumber, quoteLossyNumbers } from '../../src/api/json-body.js';

describe('quoteLossyNumbers', () => {
  it('quotes literals a double cannot carry, wherever they sit', () => {
    expect(quoteLossyNumbers('{"q":1.000000000000000001,"p":0.1}')).toBe(
      '{"q":"1.000000000000000001","p":0.1}',
    );
    expect(quoteLossyNumbers('[0.30000000000000001, -12345678901234567890, 2e400, 1e-400]')).toBe(
      '["0.30000000000000001", "-12345678901234567890", "2e400", "1e-400"]',
    );
    expect(JSON.parse(quoteLossyNumbers('{"a":{"b":[1,0.12345678901234567891]}}'))).toEqual({
      a: { b: [1, '0.12345678901234567891'] },
    });
  });

  it('leaves numbers a double carries exactly, and strings, alone', () => {
    const same = [
      '{"a":0.1,"b":1e-7,"c":-0,"d":9007199254740991,"e":123456789012345.6,"f":1.5e300,"g":100000000000000000000}',
      '{"address":"0x12345678901234567890","note":"he said \\"1.000000000000000001\\" 12345678901234567"}',
      '{"x":1.0000000000000000000}',
    ];
    for (const text of same) expect(quoteLossyNumbers(text)).toBe(text);
  });

  it('does not turn malformed JSON into valid JSON', () => {
    for (const text of [
      '{"q":01.000000000000000001}',
      '{"q":1.000000000000000001.5}',
      '{"q":-.30000000000000001}',
    ])
      expect(() => JSON.parse(quoteLossyNumbers(text))).toThrow(SyntaxError);
  });

  it('compares decimal values, not spellings', () => {
    expect(isLossyNumber('1.50')).toBe(false);
    expect(isLossyNumber('15e-1')).toBe(false);
    expect(isLossyNumber('0.000001')).toBe(false);
    expect(isLossyNumber('9007199254740993')).toBe(true);
  });
});
