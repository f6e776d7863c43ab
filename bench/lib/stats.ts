/**
 * Sample statistics for latency benchmarks: percentiles by linear
 * interpolation between closest ranks (the "type 7" estimator used by NumPy
 * and R), over every sample kept, never over a pre-bucketed histogram.
 */

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** The `q`-quantile (0..1) of ascending-sorted `sorted`. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let total = 0;
  for (const v of sorted) total += v;
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
  };
}

/** A compact "p50 12.3 µs, p99 45.6 µs, n=20000" line for notes. */
export function describe(s: Summary, unit: string, scale = 1): string {
  const f = (v: number) => formatNumber(v * scale);
  return `p50 ${f(s.p50)} ${unit}, p90 ${f(s.p90)} ${unit}, p99 ${f(s.p99)} ${unit}, max ${f(s.max)} ${unit}, mean ${f(s.mean)} ${unit}, n=${s.n}`;
}

/** Three significant digits, thousands separated for large values. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1000) return Math.round(v).toLocaleString('en-US');
  if (abs === 0) return '0';
  return Number(v.toPrecision(3)).toString();
}
