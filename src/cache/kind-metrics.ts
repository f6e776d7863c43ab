/**
 * Per-kind counters and factory latency. Counters are plain fields bumped in
 * place (an L1 entry holds a reference to its kind's counters, so a hit costs
 * one increment and no lookup). Latency keeps the last `LATENCY_WINDOW`
 * factory durations in a ring buffer: bounded memory, percentiles over recent
 * loads, sorted only when `snapshot()` is called.
 */
import type { CacheKind, KindMetrics } from './cache.js';

/** Factory durations kept per kind for p50/p99. */
export const LATENCY_WINDOW = 1_024;

/** Percentiles over the most recent samples of a bounded ring buffer. */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private next = 0;
  /** Samples recorded since creation (not only those kept). */
  count = 0;

  constructor(size = LATENCY_WINDOW) {
    this.samples = new Float64Array(size);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    this.count++;
  }

  /** Nearest-rank percentiles over the kept samples; zeros before the first sample. */
  percentiles(): { p50: number; p99: number } {
    const kept = Math.min(this.count, this.samples.length);
    if (kept === 0) return { p50: 0, p99: 0 };
    const sorted = this.samples.slice(0, kept).sort();
    const at = (q: number) => sorted[Math.min(kept - 1, Math.ceil(q * kept) - 1)] ?? 0;
    return { p50: at(0.5), p99: at(0.99) };
  }
}

/**
 * Counters of one kind. `hits`: reads answered fresh without a load (L1, or
 * L2 for `getOrLoad`); `misses`: reads that found nothing fresh; `errors`:
 * failed or timed-out loads plus failed L2 reads and writes of this kind.
 */
export class KindStats {
  hits = 0;
  misses = 0;
  staleServed = 0;
  evictions = 0;
  errors = 0;
  loads = 0;
  readonly latency = new LatencyWindow();

  constructor(readonly kind: CacheKind) {}

  snapshot(): KindMetrics {
    const reads = this.hits + this.misses;
    return {
      kind: this.kind,
      hits: this.hits,
      misses: this.misses,
      staleServed: this.staleServed,
      evictions: this.evictions,
      errors: this.errors,
      loads: this.loads,
      hitRate: reads === 0 ? null : this.hits / reads,
      factoryLatencyMs: { ...this.latency.percentiles(), count: this.latency.count },
    };
  }
}
