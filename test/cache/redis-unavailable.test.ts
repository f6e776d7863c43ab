/**
 * Redis configured but not there (a closed port): reads still work through
 * L1 and the loader, failures are counted, nothing hangs, and state changes
 * are reported once rather than per retry. Needs no Redis, so it always runs.
 */
import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/cache/create-cache.js';
import { systemClock } from '../../src/domain/clock.js';
import { UnavailableError } from '../../src/domain/errors.js';

const DEAD_REDIS = 'redis://127.0.0.1:1';

describe('createCache with Redis unreachable', () => {
  it('serves through L1 and the loader, counts errors and closes promptly', async () => {
    const states: string[] = [];
    const cache = createCache({
      clock: systemClock,
      maxEntries: 100,
      maxBytes: 100_000,
      redisUrl: DEAD_REDIS,
      keyPrefix: 'tl:test:dead:',
      redisConnectTimeoutMs: 200,
      redisCommandTimeoutMs: 200,
      onRedisState: (role, up) => states.push(`${role} ${up ? 'up' : 'down'}`),
    });
    let calls = 0;
    const load = async () => ++calls;
    const results = await Promise.all(
      Array.from({ length: 50 }, () => cache.getOrLoad('price', 'BTC', load)),
    );
    expect(results.every((r) => r.value === 1)).toBe(true);
    expect(calls).toBe(1);
    expect((await cache.getOrLoad('price', 'BTC', load)).value).toBe(1); // L1 hit
    expect(cache.peek('price', 'BTC')).toBe(1);

    await cache.set('price', 'ETH', 2);
    expect(cache.peek('price', 'ETH')).toBe(2);
    await cache.set('positions', '1', 'p', { tags: ['user:1'] });
    expect(await cache.invalidateTags(['user:1'])).toBe(1);
    expect(await cache.invalidateKeys(['price:ETH'])).toBe(1);

    const m = cache.metrics().find((x) => x.kind === 'price')!;
    expect(m.errors).toBeGreaterThanOrEqual(2); // failed L2 read of BTC, failed L2 write of ETH
    expect(m).toMatchObject({ loads: 1, misses: 50 });
    const status = cache.tierStatus().redis!;
    expect(status).toMatchObject({ connected: false, subscribed: false, pendingInvalidations: 2 });
    expect(status.errors).toBeGreaterThan(0);

    await expect(cache.ready(300)).rejects.toBeInstanceOf(UnavailableError);
    await cache.close();
    // One "down" per connection, however many reconnect attempts failed.
    expect(states.filter((s) => s === 'data down')).toHaveLength(1);
    expect(states.filter((s) => s === 'bus down')).toHaveLength(1);
    expect(states.some((s) => s.endsWith('up'))).toBe(false);
  });
});
