/**
 * The miss path: one flight per full key that looks in L2, else calls the
 * loader, and writes what it got to both tiers unless an invalidation or a
 * newer value overtook it. Invalidations detach matching flights, so callers
 * after an invalidation never join a load that started before it.
 */
import type { Clock } from '../domain/clock.js';
import type { KindStats } from './kind-metrics.js';
import type { L1Entry, L1Store } from './l1-store.js';
import { LoadFlight } from './load-flight.js';
import type { CachePolicies } from './policies.js';
import type { RedisTier } from './redis-tier.js';
import type { TierWriter } from './tier-writer.js';

export class ReadThrough {
  private readonly flights = new Map<string, LoadFlight>();
  /** Reads answered by a fresh L2 entry. */
  l2Hits = 0;

  constructor(
    private readonly clock: Clock,
    private readonly policies: CachePolicies,
    private readonly l1: L1Store,
    private readonly writer: TierWriter,
    private readonly redis: RedisTier | undefined,
  ) {}

  get inFlight(): number {
    return this.flights.size;
  }

  /**
   * The running flight for `fullKey`, or a new one; `entry` is the L1 entry
   * found (stale or not); an L2 entry loaded before `freshAfter` is not fresh.
   */
  join(
    stats: KindStats,
    key: string,
    fullKey: string,
    load: () => Promise<unknown>,
    tags: readonly string[],
    entry: L1Entry | undefined,
    freshAfter = 0,
  ): LoadFlight {
    return this.flights.get(fullKey) ?? this.start(stats, key, fullKey, load, tags, entry, freshAfter);
  }

  /** Warming: reloads `entry` with its own tags unless a load of it runs or it was replaced. */
  refresh(entry: L1Entry, load: () => Promise<unknown>): boolean {
    if (this.flights.has(entry.fullKey) || this.l1.find(entry.kind, entry.key) !== entry) return false;
    const flight = this.start(entry.stats, entry.key, entry.fullKey, load, entry.tags, entry);
    flight.answer.catch(() => {}); // counted in the kind's errors
    return true;
  }

  /** Detaches flights of any of `tags` or `fullKeys`: their results are returned to their callers only. */
  detachMatching(tags: readonly string[], fullKeys: readonly string[]): void {
    if (this.flights.size === 0) return;
    const tagSet = new Set(tags);
    const keySet = new Set(fullKeys);
    for (const f of [...this.flights.values()])
      if (keySet.has(f.fullKey) || f.tags.some((t) => tagSet.has(t))) this.detach(f);
  }

  /** Detaches flights started before `time`. */
  detachOlderThan(time: number): void {
    for (const f of [...this.flights.values()]) if (f.startedAt < time) this.detach(f);
  }

  private detach(f: LoadFlight): void {
    f.poisoned = true;
    if (this.flights.get(f.fullKey) === f) this.flights.delete(f.fullKey);
  }

  private start(
    stats: KindStats,
    key: string,
    fullKey: string,
    load: () => Promise<unknown>,
    tags: readonly string[],
    entry: L1Entry | undefined,
    freshAfter = 0,
  ): LoadFlight {
    const usable = entry !== undefined && this.clock.now() < entry.staleUntil;
    if (entry !== undefined && !usable) this.l1.deleteKey(fullKey);
    const candidate = usable
      ? { value: entry.value, loadedAt: entry.loadedAt, staleUntil: entry.staleUntil }
      : undefined;
    const policy = this.policies[stats.kind];
    const flight = new LoadFlight(this.clock, fullKey, tags, policy, candidate, (f, timedOut) => {
      if (timedOut) stats.errors++;
      if (this.flights.get(fullKey) === f) this.flights.delete(fullKey);
    });
    this.flights.set(fullKey, flight);
    this.run(flight, stats, key, load, freshAfter).catch((err: unknown) => flight.fail(err));
    return flight;
  }

  private async run(
    flight: LoadFlight,
    stats: KindStats,
    key: string,
    load: () => Promise<unknown>,
    freshAfter: number,
  ) {
    // Without Redis the loader starts in this tick: no await before it.
    const versions =
      this.redis === undefined ? undefined : await this.tryL2(flight, stats, key, this.redis, freshAfter);
    if (versions === 'answered') return;
    stats.loads++;
    const started = this.clock.now();
    let value: unknown;
    try {
      value = await new Promise<unknown>((resolve) => resolve(load()));
    } catch (err) {
      stats.latency.record(this.clock.now() - started);
      stats.errors++;
      flight.fail(err);
      return;
    }
    const loadedAt = this.clock.now();
    stats.latency.record(loadedAt - started);
    const existing = this.l1.find(stats.kind, key);
    if (!flight.poisoned && (existing === undefined || existing.loadedAt < flight.startedAt)) {
      const json = this.writer.storeL1(stats, key, value, loadedAt, flight.tags);
      // Without the counters read before the load, a write could undo a racing invalidation: skip it.
      if (versions !== undefined)
        await this.writer.writeL2(stats, flight.fullKey, json, loadedAt, flight.tags, versions);
    }
    flight.succeed({ value, loadedAt, stale: false, fromL2: false });
  }

  /**
   * Looks in L2: answers the flight with a fresh entry ('answered'), offers a
   * stale one within grace, and returns the invalidation counters to write
   * against (undefined when the read failed).
   */
  private async tryL2(
    flight: LoadFlight,
    stats: KindStats,
    key: string,
    redis: RedisTier,
    freshAfter: number,
  ): Promise<string[] | 'answered' | undefined> {
    const policy = this.policies[stats.kind];
    try {
      const read = await redis.read(flight.fullKey, flight.tags);
      const e = read.entry;
      const now = this.clock.now();
      if (e !== undefined && now < e.loadedAt + policy.ttlMs && e.loadedAt >= freshAfter) {
        this.l2Hits++;
        const existing = this.l1.find(stats.kind, key);
        if (!flight.poisoned && (existing === undefined || existing.loadedAt < e.loadedAt))
          this.writer.storeL1(stats, key, e.value, e.loadedAt, e.tags, read.bytes);
        flight.succeed({ value: e.value, loadedAt: e.loadedAt, stale: false, fromL2: true });
        return 'answered';
      }
      const staleUntil = (e?.loadedAt ?? 0) + policy.ttlMs + policy.graceMs;
      if (e !== undefined && now < staleUntil)
        flight.offer({ value: e.value, loadedAt: e.loadedAt, staleUntil });
      return read.versions;
    } catch {
      stats.errors++;
      return undefined;
    }
  }
}
