/**
 * An LRU cache bounded by entry count that allocates as it fills.
 *
 * lru-cache preallocates its key, value and link arrays for `max` entries up
 * front (a 200,000-entry cache holds about 5.6 MB before its first set).
 * Bounding by `maxSize` with every entry counting 1 is the library's way to
 * bound the count without preallocation: its arrays then grow with use, and an
 * idle service pays nothing for caches it has not filled.
 */
import { LRUCache } from 'lru-cache';

type Options<K extends {}, V extends {}> = Omit<
  LRUCache.Options<K, V, unknown>,
  'max' | 'maxSize' | 'sizeCalculation' | 'maxEntrySize'
>;

export function growingLru<K extends {}, V extends {}>(
  maxEntries: number,
  options: Options<K, V> = {},
): LRUCache<K, V> {
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  return new LRUCache<K, V>({ ...options, maxSize: maxEntries, sizeCalculation: () => 1 });
}
