/**
 * Writing a value to the tiers: the L1 entry with its fresh and stale
 * deadlines from the kind's policy and its size estimate, and the L2 copy
 * (JSON computed once for both), either compare-and-write against the
 * invalidation counters read before a load, or unconditional for `set`.
 */
import type { Clock } from '../domain/clock.js';
import type { KindStats } from './kind-metrics.js';
import { ENTRY_OVERHEAD_BYTES, estimateBytes, L1Entry, type L1Store, toJson } from './l1-store.js';
import type { CachePolicies } from './policies.js';
import type { RedisTier } from './redis-tier.js';

export class TierWriter {
  constructor(
    private readonly clock: Clock,
    private readonly policies: CachePolicies,
    private readonly l1: L1Store,
    private readonly redis: RedisTier | undefined,
  ) {}

  /**
   * Stores in L1; returns the value's JSON when computed (for L2). Given
   * `jsonLength` (of an entry read from L2), the value is not encoded again.
   */
  storeL1(
    stats: KindStats,
    key: string,
    value: unknown,
    loadedAt: number,
    tags: readonly string[],
    jsonLength?: number,
  ): string | undefined {
    const p = this.policies[stats.kind];
    const fullKey = `${stats.kind}:${key}`;
    const needJson = jsonLength === undefined && (this.redis !== undefined || typeof value !== 'string');
    const json = needJson ? toJson(value) : undefined;
    const freshUntil = loadedAt + p.ttlMs;
    const entry = new L1Entry(fullKey, key, stats, value, loadedAt, freshUntil, freshUntil + p.graceMs, tags);
    const bytes =
      jsonLength === undefined
        ? estimateBytes(fullKey, value, json)
        : ENTRY_OVERHEAD_BYTES + fullKey.length + jsonLength;
    this.l1.set(entry, bytes);
    return json;
  }

  /**
   * Writes to L2 until loadedAt + ttl + grace. `versions`: refused if an
   * invalidation moved them since they were read; null: unconditional.
   * Failures and values JSON cannot encode are counted, never thrown.
   */
  async writeL2(
    stats: KindStats,
    fullKey: string,
    json: string | undefined,
    loadedAt: number,
    tags: readonly string[],
    versions: readonly string[] | null,
  ): Promise<void> {
    if (this.redis === undefined) return;
    if (json === undefined) {
      stats.errors++; // kept in L1 only
      return;
    }
    const p = this.policies[stats.kind];
    const now = this.clock.now();
    const px = loadedAt + p.ttlMs + p.graceMs - now;
    if (px <= 0) return;
    try {
      await this.redis.write(fullKey, { json, loadedAt, tags }, px, now, versions ?? undefined);
    } catch {
      stats.errors++;
    }
  }
}
