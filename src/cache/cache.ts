/**
 * The cache's contract. Every cached read in tradeloop names a data kind
 * (which sets its TTL, grace and timeouts), a key, and the tags it may be
 * invalidated by. Implementations: the in-process L1 (always), plus a Redis
 * L2 and invalidation bus when REDIS_URL is set. There is deliberately no
 * "clear everything" operation.
 */

export const CACHE_KINDS = [
  'price',
  'ticker',
  'orderBook',
  'ohlcv',
  'marketList',
  'marketDetail',
  'marketData',
  'technical',
  'macro',
  'positions',
  'userProfile',
  'leaderboard',
  'traderPerformance',
  'aiAnalysis',
  'aiDecision',
] as const;
export type CacheKind = (typeof CACHE_KINDS)[number];

export interface KindPolicy {
  /** Fresh for this long. */
  ttlMs: number;
  /** After the TTL, may still be served for this long if the loader fails or is slow (stale-if-error). */
  graceMs: number;
  /** When a stale value exists and the loader takes longer than this, serve stale and let the load finish in the background. */
  softTimeoutMs: number;
  /** A load that takes longer than this fails with TimeoutError (the value may still be stored when it arrives). */
  hardTimeoutMs: number;
}

/** A value read through the cache, with how fresh it is. */
export interface Cached<T> {
  value: T;
  /** True when served past its TTL because the source failed or was slow. */
  stale: boolean;
  /** Milliseconds since the value was loaded from its source. */
  ageMs: number;
}

export interface LoadOptions {
  /** Tags this entry can be invalidated by, e.g. `user:42`, `symbol:BTC/USDT`. `kind:<kind>` is added automatically. */
  tags?: readonly string[];
  /**
   * An entry loaded before this time (ms since the epoch) is not fresh, whatever
   * its TTL says: candles loaded before the newest bar closed, say. It may still
   * be served stale within grace while the load runs or if it fails.
   */
  freshAfter?: number;
}

export interface KindMetrics {
  kind: CacheKind;
  hits: number;
  misses: number;
  staleServed: number;
  evictions: number;
  errors: number;
  loads: number;
  /** hits / (hits + misses), or null before the first read. */
  hitRate: number | null;
  factoryLatencyMs: { p50: number; p99: number; count: number };
}

export interface Cache {
  /** Synchronous L1 lookup of a fresh value (counts a hit or a miss). */
  peek<T>(kind: CacheKind, key: string): T | undefined;
  /**
   * Like `peek`, but a miss is not counted: for read paths that try the
   * synchronous hit first and fall back to `getOrLoad` (which counts the miss).
   */
  peekHit<T>(kind: CacheKind, key: string): T | undefined;
  /**
   * Returns the value for `key`: fresh from L1, else from L2 (Redis), else
   * from `load` — called once however many callers miss at the same time.
   * On a load failure a value within grace is served with `stale: true`.
   */
  getOrLoad<T>(kind: CacheKind, key: string, load: () => Promise<T>, opts?: LoadOptions): Promise<Cached<T>>;
  set<T>(kind: CacheKind, key: string, value: T, opts?: LoadOptions): Promise<void>;
  /** Drops every entry with any of `tags`, here and (with Redis) on every instance. Returns entries dropped locally. */
  invalidateTags(tags: readonly string[]): Promise<number>;
  /** Drops entries by full key, `<kind>:<key>` (as listed by the admin endpoint). */
  invalidateKeys(fullKeys: readonly string[]): Promise<number>;
  metrics(): KindMetrics[];
  close(): Promise<void>;
}
