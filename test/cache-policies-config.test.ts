/** Cache policies as the configuration sets them (the composition root merges the sources). */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { cachePolicies } from '../src/part-config.js';

describe('cache policies from the configuration', () => {
  it('PERFORMANCE_CACHE_TTL_MS sets the performance TTL unless CACHE_TTL_OVERRIDES names it', async () => {
    expect(cachePolicies(loadConfig({ PERFORMANCE_CACHE_TTL_MS: '750' })).traderPerformance).toEqual({
      ttlMs: 750,
    });
    const both = loadConfig({
      PERFORMANCE_CACHE_TTL_MS: '750',
      CACHE_TTL_OVERRIDES: 'traderPerformance=5s,price=1s',
    });
    expect(cachePolicies(both).traderPerformance).toEqual({ ttlMs: 5000 });
    expect(cachePolicies(both).price).toEqual({ ttlMs: 1000 });
  });
});
