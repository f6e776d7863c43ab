import { describe, expect, it } from 'vitest';
import { pollBackoff } from '../../src/telegram/poll-backoff.js';

describe('pollBackoff', () => {
  it('doubles from 1 s, caps at 30 s, and jitters within the upper half of each step', () => {
    const low = (n: number) => pollBackoff(n, undefined, () => 0);
    const high = (n: number) => pollBackoff(n, undefined, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(high)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect([1, 6, 1000].map(low)).toEqual([500, 15_000, 15_000]);
    expect(pollBackoff(0, { minMs: 10, maxMs: 40 }, () => 1)).toBe(10);
  });
});
