/** Typed command arguments: ids, prices and the "-" / "off" words of /tpsl. */
import { describe, expect, it } from 'vitest';
import { parseId, parseLevel, words } from '../../src/telegram/command-arguments.js';

describe('command arguments', () => {
  it('splits on any whitespace', () => {
    expect(words('  12\t0.8   - ')).toEqual(['12', '0.8', '-']);
    expect(words('')).toEqual([]);
  });

  it('reads ids with or without #, and names the bad ones', () => {
    expect(parseId('12', 'position', '/close 12')).toBe(12);
    expect(parseId('#12', 'position', '/close 12')).toBe(12);
    for (const bad of ['0', '-1', '1.5', 'abc', '1234567890123456', '#']) {
      expect(() => parseId(bad, 'position', '/close 12')).toThrow(
        `is not a position id. Use the number, e.g. /close 12`,
      );
    }
  });

  it('reads levels: a price sets, "off" clears, "-" keeps', () => {
    expect(parseLevel('0.80', 'take-profit')).toBe('0.8');
    expect(parseLevel('0,5', 'take-profit')).toBe('0.5');
    expect(parseLevel('OFF', 'take-profit')).toBeNull();
    expect(parseLevel('none', 'take-profit')).toBeNull();
    expect(parseLevel('-', 'take-profit')).toBeUndefined();
    for (const bad of ['0', '-2', 'NaN', 'Infinity', '1e3', '0x10', '']) {
      expect(() => parseLevel(bad, 'stop-loss')).toThrow(/^stop-loss ".*" is not a price/);
    }
  });
});
