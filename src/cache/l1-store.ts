/**
 * The in-process tier: an lru-cache bounded by both entry count and
 * estimated bytes, plus two indexes kept in step with it through `dispose`:
 * kind -> key -> entry (so a hit looks up the caller's key as given, with no
 * `<kind>:<key>` string built per read) and tag -> full keys (targeted
 * invalidation). Freshness is decided by the caller against its Clock; the
 * LRU has no TTL of its own, so entries past grace stay until evicted or read.
 *
 * Byte estimate (computed once per set): the JSON length of the value (the
 * string's length for a string), plus the full key's length, plus
 * `ENTRY_OVERHEAD_BYTES`. It counts characters, not heap bytes: a budget for
 * relative sizes, cheap enough for every write.
 */
import { LRUCache } from 'lru-cache';
import type { CacheKind } from './cache.js';
import type { KindStats } from './kind-metrics.js';

/** Added to every entry's estimate for the entry, index and LRU slots. */
export const ENTRY_OVERHEAD_BYTES = 64;
/** Estimate used for a value JSON cannot encode (cycles, BigInt). */
const OPAQUE_VALUE_BYTES = 1_024;

/** One cached value with the times that decide fresh, stale and gone. */
export class L1Entry {
  /** Reads since the warmer last looked (decayed by it). */
  reads = 0;

  constructor(
    readonly fullKey: string,
    readonly key: string,
    readonly stats: KindStats,
    readonly value: unknown,
    readonly loadedAt: number,
    readonly freshUntil: number,
    readonly staleUntil: number,
    readonly tags: readonly string[],
  ) {}

  get kind(): CacheKind {
    return this.stats.kind;
  }
}

/** JSON of `value` when it has one (undefined for cycles, BigInt, functions). */
export function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Estimated bytes of an entry; `json` is the value's JSON when already computed. */
export function estimateBytes(fullKey: string, value: unknown, json: string | undefined): number {
  const body =
    typeof value === 'string' ? value.length : json !== undefined ? json.length : OPAQUE_VALUE_BYTES;
  return ENTRY_OVERHEAD_BYTES + fullKey.length + body;
}

export interface L1Options {
  maxEntries: number;
  maxBytes: number;
}

/**
 * lru-cache clears every internal array (as long as the most entries it has
 * held) when its last entry is deleted: half a millisecond at 100,000 slots,
 * paid on each invalidation of a nearly empty cache (one user with a
 * dashboard open). An unindexed anchor entry keeps the cache from ever
 * becoming empty. It is evicted only when the cache is full, and put back on
 * the next store.
 */
const ANCHOR_KEY = '\u0000anchor';
const ANCHOR = { fullKey: ANCHOR_KEY } as L1Entry;

export class L1Store {
  private readonly lru: LRUCache<string, L1Entry>;
  private readonly byKind = new Map<CacheKind, Map<string, L1Entry>>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly maxBytes: number;
  private readonly maxEntries: number;

  constructor(opts: L1Options) {
    this.maxBytes = opts.maxBytes;
    this.maxEntries = opts.maxEntries;
    // No `max`: with it lru-cache allocates its key, value and link arrays for every slot up front
    // (~2.4 MB at 100,000 entries, resident in an idle service). `growingLru` (lib) bounds the count
    // through `maxSize`, which here bounds the bytes, so the entry bound is kept in set().
    this.lru = new LRUCache<string, L1Entry>({
      maxSize: opts.maxBytes + 1,
      dispose: (entry, fullKey, reason) => {
        if (entry !== ANCHOR) this.unindex(entry, fullKey, reason);
      },
    });
    this.lru.set(ANCHOR_KEY, ANCHOR, { size: 1 });
  }

  /** The entry for `kind`/`key`, fresh or not, marked most recently used. */
  get(kind: CacheKind, key: string): L1Entry | undefined {
    const entry = this.byKind.get(kind)?.get(key);
    if (entry !== undefined) this.lru.get(entry.fullKey);
    return entry;
  }

  /** The entry for `kind`/`key` without marking it used. */
  find(kind: CacheKind, key: string): L1Entry | undefined {
    return this.byKind.get(kind)?.get(key);
  }

  /** Stores `entry` (replacing any other for its key); false when it alone exceeds the byte budget. */
  set(entry: L1Entry, bytes: number): boolean {
    if (bytes > this.maxBytes) {
      this.lru.delete(entry.fullKey);
      return false;
    }
    this.lru.set(entry.fullKey, entry, { size: Math.max(1, Math.ceil(bytes)) });
    if (!this.lru.has(ANCHOR_KEY)) this.lru.set(ANCHOR_KEY, ANCHOR, { size: 1 });
    // Past the entry bound (+ the anchor): the least recently used go, as `max` would evict them.
    while (this.lru.size > this.maxEntries + 1) this.lru.pop();
    let keys = this.byKind.get(entry.kind);
    if (keys === undefined) {
      keys = new Map();
      this.byKind.set(entry.kind, keys);
    }
    keys.set(entry.key, entry);
    for (const tag of entry.tags) {
      let set = this.byTag.get(tag);
      if (set === undefined) {
        set = new Set();
        this.byTag.set(tag, set);
      }
      set.add(entry.fullKey);
    }
    return true;
  }

  deleteKey(fullKey: string): boolean {
    return this.lru.delete(fullKey);
  }

  /** Drops every entry carrying any of `tags`; returns how many. */
  deleteTags(tags: readonly string[]): number {
    let n = 0;
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (keys === undefined) continue;
      for (const fullKey of [...keys]) if (this.lru.delete(fullKey)) n++;
    }
    return n;
  }

  /**
   * Drops entries loaded before `time`. Used only when the invalidation bus
   * reconnects: invalidations sent while it was away are lost, so anything
   * older may be wrong (L2 still holds what is valid, so refills are cheap).
   */
  dropLoadedBefore(time: number): number {
    const old: string[] = [];
    for (const entry of this.lru.values())
      if (entry !== ANCHOR && entry.loadedAt < time) old.push(entry.fullKey);
    for (const fullKey of old) this.lru.delete(fullKey);
    return old.length;
  }

  /** Every entry, most recently used first. */
  *values(): IterableIterator<L1Entry> {
    for (const entry of this.lru.values()) if (entry !== ANCHOR) yield entry;
  }

  get size(): number {
    return this.lru.size - (this.lru.has(ANCHOR_KEY) ? 1 : 0);
  }

  get bytes(): number {
    return this.lru.calculatedSize - (this.lru.has(ANCHOR_KEY) ? 1 : 0);
  }

  private unindex(entry: L1Entry, fullKey: string, reason: LRUCache.DisposeReason): void {
    if (reason === 'evict') entry.stats.evictions++;
    const keys = this.byKind.get(entry.kind);
    if (keys?.get(entry.key) === entry) keys.delete(entry.key);
    for (const tag of entry.tags) {
      const set = this.byTag.get(tag);
      if (set === undefined) continue;
      set.delete(fullKey);
      if (set.size === 0) this.byTag.delete(tag);
    }
  }
}
