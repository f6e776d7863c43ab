/**
 * `cached()`: run an expensive computation through the cache under a key
 * built from its inputs, typed by the computation's result.
 */
import { ValidationError } from '../domain/errors.js';
import type { Cache, CacheKind, LoadOptions } from './cache.js';

/**
 * Joins key parts with ':', escaping '%' and ':' inside parts, so different
 * parts never make the same key (['a:b', 'c'] and ['a', 'b:c'] differ).
 * Numbers must be finite.
 */
export function cacheKey(parts: readonly (string | number)[]): string {
  if (parts.length === 0) throw new ValidationError('cache key needs at least one part');
  return parts
    .map((p, i) => {
      if (typeof p === 'number') {
        if (!Number.isFinite(p))
          throw new ValidationError(`cache key part ${i} is not a finite number (${p})`);
        return String(p);
      }
      return p.replaceAll('%', '%25').replaceAll(':', '%3A');
    })
    .join(':');
}

/**
 * The value of `fn()` for these inputs: from the cache when fresh, else
 * computed once however many callers ask together; within grace, a stale value
 * when `fn` fails or is slow (use `cache.getOrLoad` to see whether it was).
 *
 * @example
 * const perf = await cached(cache, 'traderPerformance', [userId, traderId],
 *   () => computePerformance(userId, traderId), { tags: [`user:${userId}`] });
 */
export async function cached<T>(
  cache: Cache,
  kind: CacheKind,
  keyParts: readonly (string | number)[],
  fn: () => Promise<T>,
  opts?: LoadOptions,
): Promise<T> {
  const hit = await cache.getOrLoad(kind, cacheKey(keyParts), fn, opts);
  return hit.value;
}
