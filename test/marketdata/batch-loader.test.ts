import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock.js';
import { BatchLoader } from '../../src/marketdata/batch-loader.js';

describe('BatchLoader', () => {
  it('merges concurrent keys into calls of at most maxBatch and asks for each key once', async () => {
    const calls: string[][] = [];
    const loader = new BatchLoader<number>({
      clock: systemClock,
      maxBatch: 200,
      windowMs: 2,
      fetch: async (keys) => {
        calls.push(keys);
        return new Map(keys.filter((k) => k !== 'UNKNOWN').map((k) => [k, k.length]));
      },
    });
    const keys = Array.from({ length: 500 }, (_, i) => `S${i}`);
    const results = await Promise.all([...keys, ...keys, 'UNKNOWN'].map((k) => loader.load(k)));
    expect(calls.length).toBe(Math.ceil(501 / 200));
    expect(calls.flat().length).toBe(501);
    expect(results[0]).toBe(2);
    expect(results.at(-1)).toBeUndefined();
  });

  it('rejects every key of a failed batch, and the next load tries again', async () => {
    let fail = true;
    const loader = new BatchLoader<string>({
      clock: systemClock,
      maxBatch: 10,
      windowMs: 0,
      fetch: async (keys) => {
        if (fail) throw new Error('down');
        return new Map(keys.map((k) => [k, k]));
      },
    });
    await expect(Promise.all([loader.load('a'), loader.load('b')])).rejects.toThrow('down');
    fail = false;
    expect(await loader.load('a')).toBe('a');
  });
});
