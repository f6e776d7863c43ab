/**
 * In-process cache with per-entry TTL, tags and single-flight loading, on
 * lru-cache. Invalidation is by tag (`user:<id>`, `kind:<kind>`, ...) or key:
 * there is deliberately no "clear everything" method, so one user's change
 * can only drop entries tagged with that user.
 */
import { LRUCache } from 'lru-cache';

interface Entry {
  value: unknown;
  tags: readonly string[];
}

export interface TaggedCacheOptions {
  maxEntries: number;
}

export class TaggedCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly byTag = new Map<string, Set<string>>();
  private readonly inflight = new Map<string, { promise: Promise<unknown>; tags: readonly string[] }>();
  /** Bumped per key on invalidation, so a load that started before it is not stored after it. */
  private readonly generation = new Map<string, number>();
  readonly stats = { hits: 0, misses: 0, loads: 0, invalidated: 0 };

  constructor(opts: TaggedCacheOptions) {
    this.lru = new LRUCache<string, Entry>({
      max: opts.maxEntries,
      ttlAutopurge: false,
      dispose: (entry, key) => this.untag(key, entry.tags),
    });
  }

  /**
   * Returns the cached value for `key`, or runs `load` once however many
   * callers ask at the same time, and caches its result for `ttlMs`.
   */
  async getOrLoad<T>(
    key: string,
    ttlMs: number,
    tags: readonly string[],
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = this.lru.get(key);
    if (hit !== undefined) {
      this.stats.hits++;
      return hit.value as T;
    }
    this.stats.misses++;
    const pending = this.inflight.get(key);
    if (pending) return pending.promise as Promise<T>;
    const gen = this.generation.get(key) ?? 0;
    const p = (async () => {
      try {
        this.stats.loads++;
        const value = await load();
        if ((this.generation.get(key) ?? 0) === gen && ttlMs > 0) {
          this.lru.set(key, { value, tags }, { ttl: ttlMs });
          for (const t of tags) {
            const keys = this.byTag.get(t) ?? new Set<string>();
            keys.add(key);
            this.byTag.set(t, keys);
          }
        }
        return value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, { promise: p, tags });
    return p;
  }

  /** Drops every entry carrying any of `tags`; returns how many were dropped. */
  invalidateTags(tags: readonly string[]): number {
    let n = 0;
    for (const t of tags) {
      const keys = this.byTag.get(t);
      if (!keys) continue;
      for (const k of [...keys]) n += this.invalidateKey(k);
    }
    for (const [k, f] of this.inflight) if (f.tags.some((t) => tags.includes(t))) this.invalidateKey(k);
    return n;
  }

  invalidateKey(key: string): number {
    this.generation.set(key, (this.generation.get(key) ?? 0) + 1);
    this.inflight.delete(key);
    const had = this.lru.delete(key);
    if (had) this.stats.invalidated++;
    return had ? 1 : 0;
  }

  get size(): number {
    return this.lru.size;
  }

  private untag(key: string, tags: readonly string[]): void {
    for (const t of tags) {
      const keys = this.byTag.get(t);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(t);
    }
  }
}
