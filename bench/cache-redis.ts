/**
 * Redis for the cache benchmarks (not a benchmark itself): which URL to use
 * (REDIS_URL, else TEST_REDIS_URL, else the local default), whether it
 * answers, and removing a run's keys afterwards.
 */
import { Redis } from 'ioredis';

export function benchRedisUrl(): string {
  return process.env['REDIS_URL'] ?? process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

/** True when `url` answers PING within about a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  const ok = await probe.connect().then(
    () => probe.ping().then(() => true),
    () => false,
  );
  probe.disconnect();
  return ok;
}

/** Deletes every key under `prefix`. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const r = new Redis(url);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length > 0) await r.del(...keys);
  await r.quit();
}
