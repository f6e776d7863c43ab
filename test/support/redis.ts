/**
 * The Redis suites' server: TEST_REDIS_URL when it answers; skipped with a
 * message otherwise, except under CI=true where an unreachable Redis fails.
 */
import { Redis } from 'ioredis';
import { noteSkip } from './skip-notice.js';

export async function redisUrlForTests(): Promise<string | undefined> {
  const url = process.env['TEST_REDIS_URL'];
  const ci = process.env['CI'] === 'true';
  if (url) {
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      await client.ping();
      return url;
    } catch {
      // fall through
    } finally {
      client.disconnect();
    }
  }
  if (ci)
    throw new Error(
      `CI=true but Redis is not reachable at ${url ?? '(TEST_REDIS_URL unset)'}: the Redis suites must run in CI`,
    );
  noteSkip('[skip] Redis suites skipped: set TEST_REDIS_URL=redis://127.0.0.1:6379 to run them');
  return undefined;
}
