/**
 * Percentiles over the most recent samples, in bounded memory: a ring of the
 * last `capacity` values, sorted only when read.
 */
export class SampleWindow {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  count = 0;

  constructor(capacity = 1024) {
    this.ring = new Float64Array(capacity);
  }

  add(v: number): void {
    this.ring[this.next] = v;
    this.next = (this.next + 1) % this.ring.length;
    if (this.filled < this.ring.length) this.filled++;
    this.count++;
  }

  /** Percentile `p` (0-100) of the retained samples, or 0 when empty. */
  percentile(p: number): number {
    if (this.filled === 0) return 0;
    const sorted = this.ring.slice(0, this.filled).sort();
    const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[idx]!;
  }

  /** Forgets the retained samples (the running `count` too). */
  clear(): void {
    this.next = 0;
    this.filled = 0;
    this.count = 0;
  }

  summary(): { p50: number; p99: number; count: number } {
    return { p50: this.percentile(50), p99: this.percentile(99), count: this.count };
  }
}
