/**
 * The cache: L1 (bounded LRU) always; with `redisUrl`, a shared Redis L2 and
 * the invalidation bus. Reads go L1 -> L2 -> loader, one load per key however
 * many callers miss together; stale values within grace cover slow or failing
 * loads; Redis trouble degrades to L1 + loader and is counted, never thrown.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock.js';
import { UnavailableError, ValidationError } from '../domain/errors.js';
import { CACHE_KINDS, type Cached, type CacheKind, type KindMetrics, type LoadOptions } from './cache.js';
import {
  type CreateCacheOptions,
  DEFAULT_KEY_PREFIX,
  type LayeredCache,
  type TierStatus,
  validateOptions,
} from './cache-options.js';
import { CoarseNow } from './coarse-now.js';
import { InvalidationBus } from './invalidation-bus.js';
import { KindStats } from './kind-metrics.js';
import { L1Store } from './l1-store.js';
import type { Answer } from './load-flight.js';
import { buildPolicies, type CachePolicies } from './policies.js';
import { ReadThrough } from './read-through.js';
import { RedisTier } from './redis-tier.js';
import { TierWriter } from './tier-writer.js';
import { Warmer, type Warming, type WarmingOptions } from './warming.js';

/**
 * Builds the cache. Without `redisUrl` it is in-process only; with it, it
 * shares entries and invalidations with every instance on the same Redis and
 * key prefix. Call `close()` on shutdown.
 *
 * @example
 * const cache = createCache({ clock: systemClock, maxEntries: 50_000, maxBytes: 64 * 2 ** 20,
 *   redisUrl: process.env.REDIS_URL, policies: parseKindOverrides(process.env.CACHE_TTL_OVERRIDES ?? '') });
 * const { value, stale } = await cache.getOrLoad('traderPerformance', `${userId}`,
 *   () => computePerformance(userId), { tags: [`user:${userId}`] });
 * await cache.invalidateTags([`user:${userId}`]); // here and on every instance
 */
export function createCache(opts: CreateCacheOptions): LayeredCache {
  validateOptions(opts);
  return new TieredCache(opts);
}

class TieredCache implements LayeredCache {
  private readonly clock: Clock;
  private readonly time: CoarseNow;
  private readonly policies: CachePolicies;
  private readonly stats = new Map<CacheKind, KindStats>();
  private readonly kindTag = new Map<CacheKind, string>();
  private readonly l1: L1Store;
  private readonly writer: TierWriter;
  private readonly reads: ReadThrough;
  private readonly warmers = new Set<Warmer>();
  private readonly redis: RedisTier | undefined;
  private readonly bus: InvalidationBus | undefined;

  constructor(opts: CreateCacheOptions) {
    this.clock = opts.clock;
    this.time = new CoarseNow(opts.clock);
    this.policies = buildPolicies(opts.policies);
    for (const kind of CACHE_KINDS) {
      this.stats.set(kind, new KindStats(kind));
      this.kindTag.set(kind, `kind:${kind}`);
    }
    this.l1 = new L1Store({ maxEntries: opts.maxEntries, maxBytes: opts.maxBytes });
    const common = {
      url: opts.redisUrl ?? '',
      connectTimeoutMs: opts.redisConnectTimeoutMs,
      commandTimeoutMs: opts.redisCommandTimeoutMs,
      events: { onState: opts.onRedisState },
    };
    const instanceId = opts.instanceId ?? randomUUID();
    const prefix = opts.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.redis = opts.redisUrl === undefined ? undefined : new RedisTier({ ...common, prefix, instanceId });
    this.writer = new TierWriter(this.clock, this.policies, this.l1, this.redis);
    this.reads = new ReadThrough(this.clock, this.policies, this.l1, this.writer, this.redis);
    if (this.redis === undefined) return;
    this.bus = new InvalidationBus({
      ...common,
      channel: this.redis.channel,
      instanceId,
      now: () => this.clock.now(),
      onMessage: (m) => this.dropLocal(m.tags, m.keys),
      onResync: (since) => this.resync(since),
    });
  }

  peek<T>(kind: CacheKind, key: string): T | undefined {
    const entry = this.l1.get(kind, key);
    if (entry !== undefined && this.time.now() < entry.freshUntil) {
      entry.stats.hits++;
      entry.reads++;
      return entry.value as T;
    }
    this.statsOf(kind).misses++;
    return undefined;
  }

  peekHit<T>(kind: CacheKind, key: string): T | undefined {
    const entry = this.l1.get(kind, key);
    if (entry !== undefined && this.time.now() < entry.freshUntil) {
      entry.stats.hits++;
      entry.reads++;
      return entry.value as T;
    }
    return undefined;
  }

  async getOrLoad<T>(
    kind: CacheKind,
    key: string,
    load: () => Promise<T>,
    opts?: LoadOptions,
  ): Promise<Cached<T>> {
    const now = this.time.now();
    const entry = this.l1.get(kind, key);
    if (entry !== undefined) {
      entry.reads++;
      if (now < entry.freshUntil && entry.loadedAt >= (opts?.freshAfter ?? 0)) {
        entry.stats.hits++;
        return { value: entry.value as T, stale: false, ageMs: now - entry.loadedAt };
      }
    }
    const stats = this.statsOf(kind);
    const fullKey = `${kind}:${key}`;
    const tags = this.tagsOf(kind, opts?.tags);
    const flight = this.reads.join(stats, key, fullKey, load, tags, entry, opts?.freshAfter ?? 0);
    let answer: Answer;
    try {
      answer = await flight.answer;
    } catch (err) {
      stats.misses++;
      throw err;
    }
    if (answer.fromL2) stats.hits++;
    else stats.misses++;
    if (answer.stale) stats.staleServed++;
    return {
      value: answer.value as T,
      stale: answer.stale,
      ageMs: Math.max(0, this.clock.now() - answer.loadedAt),
    };
  }

  async set<T>(kind: CacheKind, key: string, value: T, opts?: LoadOptions): Promise<void> {
    const stats = this.statsOf(kind);
    const tags = this.tagsOf(kind, opts?.tags);
    const loadedAt = this.clock.now();
    const json = this.writer.storeL1(stats, key, value, loadedAt, tags);
    await this.writer.writeL2(stats, `${kind}:${key}`, json, loadedAt, tags, null);
  }

  async invalidateTags(tags: readonly string[]): Promise<number> {
    const dropped = this.dropLocal(tags, []);
    await this.redis?.invalidateTags(tags).catch(() => {}); // counted; replayed when Redis is back
    return dropped;
  }

  async invalidateKeys(fullKeys: readonly string[]): Promise<number> {
    const dropped = this.dropLocal([], fullKeys);
    await this.redis?.invalidateKeys(fullKeys).catch(() => {});
    return dropped;
  }

  metrics(): KindMetrics[] {
    return CACHE_KINDS.map((kind) => this.statsOf(kind).snapshot());
  }

  startWarming(opts: WarmingOptions): Warming {
    const warmer = new Warmer(
      {
        clock: this.clock,
        entries: () => this.l1.values(),
        refresh: (entry, load) => this.reads.refresh(entry, load),
      },
      opts,
    );
    this.warmers.add(warmer);
    return warmer;
  }

  async ready(timeoutMs = 5_000): Promise<void> {
    if (this.redis === undefined || this.bus === undefined) return;
    await this.redis.ready(timeoutMs);
    if (!(await this.bus.whenSubscribed(timeoutMs)))
      throw new UnavailableError(`cache invalidation bus not subscribed after ${timeoutMs} ms`);
  }

  tierStatus(): TierStatus {
    const l1 = { entries: this.l1.size, bytes: this.l1.bytes, loadsInFlight: this.reads.inFlight };
    if (this.redis === undefined || this.bus === undefined) return { l1, redis: null };
    return {
      l1,
      redis: {
        connected: this.redis.connected,
        subscribed: this.bus.subscribed,
        errors: this.redis.errors + this.bus.errors,
        l2Hits: this.reads.l2Hits,
        invalidationsReceived: this.bus.received,
        pendingInvalidations: this.redis.pendingInvalidations,
      },
    };
  }

  async close(): Promise<void> {
    for (const w of this.warmers) w.stop();
    this.warmers.clear();
    this.time.stop();
    await Promise.all([this.redis?.close(), this.bus?.close()]);
  }

  private statsOf(kind: CacheKind): KindStats {
    const stats = this.stats.get(kind);
    if (stats === undefined)
      throw new ValidationError(`unknown cache kind "${String(kind)}" (known: ${CACHE_KINDS.join(', ')})`);
    return stats;
  }

  private tagsOf(kind: CacheKind, tags: readonly string[] | undefined): readonly string[] {
    const own = this.kindTag.get(kind)!;
    if (tags === undefined || tags.length === 0) return [own];
    return tags.includes(own) ? [...new Set(tags)] : [...new Set(tags), own];
  }

  /** Drops L1 entries of `tags` and `fullKeys`, and detaches loads of them. */
  private dropLocal(tags: readonly string[], fullKeys: readonly string[]): number {
    let dropped = this.l1.deleteTags(tags);
    for (const k of fullKeys) if (this.l1.deleteKey(k)) dropped++;
    this.reads.detachMatching(tags, fullKeys);
    return dropped;
  }

  /** The bus (re)subscribed at `since`: entries and loads older than that may have missed invalidations. */
  private resync(since: number): void {
    this.l1.dropLoadedBefore(since);
    this.reads.detachOlderThan(since);
  }
}
