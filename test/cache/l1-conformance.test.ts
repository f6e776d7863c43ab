/** The cache conformance suite on L1 alone: one process cache is the whole deployment. */
import { createCache } from '../../src/cache/create-cache.js';
import { registerCacheSuite, SUITE_POLICIES } from '../conformance/cache-conformance.js';

registerCacheSuite('L1 alone', async (clock) => {
  const cache = createCache({ clock, maxEntries: 1_000, maxBytes: 1_000_000, policies: SUITE_POLICIES });
  return { a: cache, b: cache, close: () => cache.close() };
});
