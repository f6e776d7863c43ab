/**
 * Cache families per kind, read from `cache.metrics()` at scrape time (the
 * cache already counts; nothing is added to its hot path).
 */
import type { Registry } from 'prom-client';
import type { KindMetrics } from '../cache/cache.js';
import { oncePerScrape, registerCollected, type Sample, SnapshotMetric } from './collected-metric.js';

type Counted = 'hits' | 'misses' | 'staleServed' | 'evictions' | 'errors' | 'loads';

const COUNTERS: [Counted, string, string][] = [
  ['hits', 'tradeloop_cache_hits_total', 'Cache reads answered with a fresh value'],
  ['misses', 'tradeloop_cache_misses_total', 'Cache reads that found no fresh value'],
  ['staleServed', 'tradeloop_cache_stale_served_total', 'Values served past their TTL (stale-if-error)'],
  ['evictions', 'tradeloop_cache_evictions_total', 'Entries evicted by the size bounds'],
  ['errors', 'tradeloop_cache_errors_total', 'Loads that failed'],
  ['loads', 'tradeloop_cache_loads_total', 'Loads from the source (factory calls)'],
];

const LOAD_LATENCY: [string, string, (m: KindMetrics) => number][] = [
  ['tradeloop_cache_load_duration_p50_seconds', 'median', (m) => m.factoryLatencyMs.p50],
  ['tradeloop_cache_load_duration_p99_seconds', '99th percentile', (m) => m.factoryLatencyMs.p99],
];

/** Registers the cache families; `read` is usually `() => cache.metrics()`. */
export function registerCacheMetrics(registry: Registry, read: () => KindMetrics[]): void {
  const snapshot = oncePerScrape(read);
  for (const [field, name, help] of COUNTERS) {
    registerCollected(
      registry,
      new SnapshotMetric(`${name}`, `${help}, per kind`, 'counter', () =>
        snapshot().map((m) => ({ labels: { kind: m.kind }, value: m[field] })),
      ),
    );
  }
  registerCollected(
    registry,
    new SnapshotMetric(
      'tradeloop_cache_hit_ratio',
      'hits / (hits + misses) per kind since start',
      'gauge',
      () =>
        snapshot()
          .filter((m) => m.hitRate !== null)
          .map((m) => ({ labels: { kind: m.kind }, value: m.hitRate ?? 0 })),
    ),
  );
  // Percentiles over recent loads are gauges (a summary would need a `_sum` the cache does not keep);
  // the number of loads is tradeloop_cache_loads_total.
  for (const [name, what, pick] of LOAD_LATENCY) {
    registerCollected(
      registry,
      new SnapshotMetric(name, `Source load latency per kind, ${what} over recent loads`, 'gauge', () =>
        snapshot().map((m): Sample => ({ labels: { kind: m.kind }, value: pick(m) / 1000 })),
      ),
    );
  }
}
