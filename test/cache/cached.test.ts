import { describe, expect, it } from 'vitest';
import { cached, cacheKey } from '../../src/cache/cached.js';
import { createCache } from '../../src/cache/create-cache.js';
import { ManualClock } from '../../src/domain/clock.js';
import { ValidationError } from '../../src/domain/errors.js';

describe('cacheKey', () => {
  it('joins parts so that different parts never collide', () => {
    expect(cacheKey(['BTC/USDT', '1h', 500])).toBe('BTC/USDT:1h:500');
    expect(cacheKey(['a:b', 'c'])).not.toBe(cacheKey(['a', 'b:c']));
    expect(cacheKey(['a%3Ab'])).not.toBe(cacheKey(['a:b']));
  });

  it('refuses empty keys and non-finite numbers', () => {
    expect(() => cacheKey([])).toThrow(ValidationError);
    expect(() => cacheKey(['x', Number.NaN])).toThrow(/part 1/);
  });
});

describe('cached', () => {
  it('computes once per key and returns the typed value', async () => {
    const cache = createCache({ clock: new ManualClock(), maxEntries: 100, maxBytes: 100_000 });
    let runs = 0;
    const rsi = (symbol: string, period: number) =>
      cached(cache, 'technical', [symbol, period], async () => {
        runs++;
        return { symbol, period, rsi: 55.5 };
      });
    const [a, b] = await Promise.all([rsi('BTC', 14), rsi('BTC', 14)]);
    const c = await rsi('BTC', 21);
    expect(a.rsi).toBe(55.5);
    expect(b).toEqual(a);
    expect(c.period).toBe(21);
    expect(runs).toBe(2);
    expect(cache.peek('technical', 'BTC:14')).toEqual(a);
    await cache.close();
  });

  it('tags the entry so it can be invalidated', async () => {
    const cache = createCache({ clock: new ManualClock(), maxEntries: 100, maxBytes: 100_000 });
    await cached(cache, 'userProfile', [42], async () => 'profile', { tags: ['user:42'] });
    expect(await cache.invalidateTags(['user:42'])).toBe(1);
    await cache.close();
  });
});
