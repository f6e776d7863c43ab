/**
 * The cache conformance suite on L1 + Redis: two caches on one Redis
 * (TEST_REDIS_URL) and a key prefix of their own, as two instances are;
 * their keys are deleted afterwards. Skipped with a notice without Redis,
 * except under CI=true.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createCache } from '../../src/cache/create-cache.js';
import { registerCacheSuite, SUITE_POLICIES } from '../conformance/cache-conformance.js';
import { redisUrlForTests } from '../support/redis.js';

const url = await redisUrlForTests();

async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const r = new Redis(redisUrl, { lazyConnect: true });
  r.on('error', () => {});
  await r.connect();
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  await r.quit();
}

registerCacheSuite(
  'L1 + Redis, two instances',
  url === undefined
    ? undefined
    : async (clock) => {
        const keyPrefix = `tl:test:${randomUUID()}:`;
        const instance = (name: string) =>
          createCache({
            clock,
            maxEntries: 1_000,
            maxBytes: 1_000_000,
            policies: SUITE_POLICIES,
            redisUrl: url,
            keyPrefix,
            instanceId: `${name}-${randomUUID()}`,
          });
        const a = instance('a');
        const b = instance('b');
        await Promise.all([a.ready(), b.ready()]);
        return {
          a,
          b,
          close: async () => {
            await Promise.all([a.close(), b.close()]);
            await deleteKeys(url, keyPrefix);
          },
        };
      },
);
