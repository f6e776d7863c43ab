/**
 * What the configuration means for two parts built from it, shared by the
 * container, the worker command and the job harnesses: the venue to open and
 * the cache policies.
 */
import { type PolicyOverrides, parseKindOverrides } from './cache/policies.js';
import type { Config } from './config/schema.js';
import type { VenueConfig } from './venues/registry.js';

/** The venue the configuration names; options beyond these are the venue's defaults. */
export function venueConfig(config: Config): VenueConfig {
  const origin = config.venueApiOrigin || undefined;
  switch (config.venue) {
    case 'simulated':
      return { kind: 'simulated', seed: config.venueSeed };
    case 'replay':
      return { kind: 'replay', mode: 'full' };
    case 'ccxt':
      return { kind: 'ccxt', exchangeId: config.ccxtExchange, ...(origin ? { apiOrigin: origin } : {}) };
    case 'polymarket':
      return { kind: 'polymarket', ...(origin ? { host: origin } : {}) };
  }
}

/** CACHE_TTL_OVERRIDES over PERFORMANCE_CACHE_TTL_MS (the performance kind's TTL) over the defaults. */
export function cachePolicies(config: Config): PolicyOverrides {
  const overrides = parseKindOverrides(config.cacheTtlOverrides);
  return {
    ...overrides,
    traderPerformance: { ttlMs: config.performanceCacheTtlMs, ...overrides.traderPerformance },
  };
}
