import { describe, expect, it } from 'vitest';
import { KindStats, LatencyWindow } from '../../src/cache/kind-metrics.js';

describe('LatencyWindow', () => {
  it('gives nearest-rank p50 and p99 over the kept samples', () => {
    const w = new LatencyWindow(1_000);
    for (let i = 1; i <= 100; i++) w.record(i);
    expect(w.percentiles()).toEqual({ p50: 50, p99: 99 });
    expect(new LatencyWindow().percentiles()).toEqual({ p50: 0, p99: 0 });
  });

  it('keeps only the most recent samples but counts them all', () => {
    const w = new LatencyWindow(4);
    for (const ms of [1_000, 1_000, 1_000, 1_000, 1, 2, 3, 4]) w.record(ms);
    expect(w.percentiles()).toEqual({ p50: 2, p99: 4 });
    expect(w.count).toBe(8);
  });
});

describe('KindStats', () => {
  it('reports the contract shape with hitRate null before any read', () => {
    const s = new KindStats('price');
    expect(s.snapshot()).toEqual({
      kind: 'price',
      hits: 0,
      misses: 0,
      staleServed: 0,
      evictions: 0,
      errors: 0,
      loads: 0,
      hitRate: null,
      factoryLatencyMs: { p50: 0, p99: 0, count: 0 },
    });
    s.hits = 3;
    s.misses = 1;
    expect(s.snapshot().hitRate).toBe(0.75);
  });
});
