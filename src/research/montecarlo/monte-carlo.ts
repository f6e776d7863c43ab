/**
 * Monte Carlo over a backtest's trade returns, in chunks that can run
 * anywhere: `runMonteCarloChunk` simulates a range of paths (path p is
 * seeded from (seed, p), so a path's result is the same in any chunk, on any
 * thread), `mergeMonteCarloChunks` puts the ranges back together and
 * summarises. `runMonteCarlo` does both on the calling thread, checking
 * cancellation and reporting progress between chunks.
 *
 * What each figure means: reshuffling the order of the same trades leaves
 * the final equity unchanged (a product does not depend on order), so for a
 * reshuffle only its single value is reported, while the drawdown
 * distribution and the probability of ruin are what the reshuffle reveals.
 * A bootstrap draws different trades per path and spreads both.
 */
import { simulatePaths } from './kernel.js';
import type { MonteCarloRequest } from './request.js';

/** One range of paths, as produced by `runMonteCarloChunk` (transferable between threads). */
export interface MonteCarloChunk {
  start: number;
  end: number;
  /** Final equity multiples (final / initial) of the paths in the range, ascending (not in path order). */
  finalMultiple: Float64Array;
  /** Maximum drawdowns (fraction of the running peak) of the paths in the range, ascending. */
  maxDrawdown: Float64Array;
}

export interface Percentiles {
  p5: number;
  p50: number;
  p95: number;
  mean: number;
}

export interface MonteCarloResult {
  method: MonteCarloRequest['method'];
  replacement: boolean;
  paths: number;
  tradesPerPath: number;
  seed: number;
  initialCapital: number;
  /** Reshuffle: the one final equity every path ends at. Bootstrap: its distribution. */
  finalEquity: { invariant: true; value: number } | ({ invariant: false } & Percentiles);
  /** Maximum drawdown per path, as a fraction of the peak. */
  maxDrawdown: Percentiles;
  ruinDrawdown: number;
  /** Share of paths whose drawdown reached `ruinDrawdown`. */
  probabilityOfRuin: number;
  /**
   * The distribution where it means something, in equal-width bins: final
   * equity for a bootstrap, maximum drawdown for a reshuffle (whose final
   * equity is the same on every path).
   */
  histogram: { of: 'finalEquity' | 'maxDrawdown'; bins: HistogramBin[] };
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

const HISTOGRAM_BINS = 40;

/** Equal-width bins over ascending `sorted` (scaled), in one pass. */
function histogram(sorted: Float64Array, scale: number): HistogramBin[] {
  const lo = sorted[0]! * scale;
  const hi = sorted[sorted.length - 1]! * scale;
  const width = (hi - lo) / HISTOGRAM_BINS || 1;
  const bins: HistogramBin[] = Array.from({ length: HISTOGRAM_BINS }, (_, i) => ({
    from: lo + i * width,
    to: lo + (i + 1) * width,
    count: 0,
  }));
  for (let i = 0; i < sorted.length; i++) {
    const b = Math.min(HISTOGRAM_BINS - 1, Math.floor((sorted[i]! * scale - lo) / width));
    bins[b]!.count++;
  }
  return bins;
}

/** Splits [0, paths) into ranges of at most `size` paths. */
export function chunkRanges(paths: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < paths; s += size) out.push([s, Math.min(paths, s + size)]);
  return out;
}

function growthOf(req: MonteCarloRequest): Float64Array {
  const g = new Float64Array(req.tradeReturns.length);
  for (let i = 0; i < g.length; i++) g[i] = 1 + req.tradeReturns[i]!;
  return g;
}

/** Simulates paths [start, end) of `req`. */
export function runMonteCarloChunk(req: MonteCarloRequest, start: number, end: number): MonteCarloChunk {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= req.paths)) {
    throw new RangeError(`chunk [${start}, ${end}) is not within [0, ${req.paths})`);
  }
  const finalMultiple = new Float64Array(end - start);
  const maxDrawdown = new Float64Array(end - start);
  const replacement = req.method === 'bootstrap' && req.replacement;
  const draws = req.method === 'reshuffle' ? req.tradeReturns.length : req.tradesPerPath;
  simulatePaths(growthOf(req), draws, replacement, req.seed, start, end, finalMultiple, maxDrawdown);
  // Sorted here, in parallel across the chunks' threads: the merge then only interleaves them.
  finalMultiple.sort();
  maxDrawdown.sort();
  return { start, end, finalMultiple, maxDrawdown };
}

/** The q-quantile (0..1) of ascending `sorted`, interpolating between closest ranks. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Percentiles and mean of ascending `sorted` (summed in that order, so any chunking gives the same mean). */
function percentiles(sorted: Float64Array, scale: number): Percentiles {
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    p5: quantile(sorted, 0.05) * scale,
    p50: quantile(sorted, 0.5) * scale,
    p95: quantile(sorted, 0.95) * scale,
    mean: (sum / sorted.length) * scale,
  };
}

/** One ascending array from ascending runs (a k-way merge; k is a handful of chunks). */
function mergeSorted(runs: readonly Float64Array[], total: number): Float64Array {
  if (runs.length === 1) return runs[0]!;
  const out = new Float64Array(total);
  const at = new Int32Array(runs.length);
  for (let o = 0; o < total; o++) {
    let best = -1;
    let value = Number.POSITIVE_INFINITY;
    for (let r = 0; r < runs.length; r++) {
      const i = at[r]!;
      const run = runs[r]!;
      if (i < run.length && (best < 0 || run[i]! < value)) {
        best = r;
        value = run[i]!;
      }
    }
    out[o] = value;
    at[best] = at[best]! + 1;
  }
  return out;
}

/** Puts chunks covering [0, paths) exactly once (in any order) together and summarises them. */
export function mergeMonteCarloChunks(
  req: MonteCarloRequest,
  chunks: readonly MonteCarloChunk[],
): MonteCarloResult {
  const ordered = [...chunks].sort((a, b) => a.start - b.start);
  let next = 0;
  for (const c of ordered) {
    if (c.start !== next || c.end < c.start || c.finalMultiple.length !== c.end - c.start) {
      throw new RangeError(`chunks do not cover the paths exactly: gap or overlap at path ${next}`);
    }
    next = c.end;
  }
  if (next !== req.paths) {
    throw new RangeError(`chunks cover ${next} of ${req.paths} paths`);
  }
  const final = mergeSorted(
    ordered.map((c) => c.finalMultiple),
    req.paths,
  );
  const dd = mergeSorted(
    ordered.map((c) => c.maxDrawdown),
    req.paths,
  );
  let ruined = 0;
  for (let i = 0; i < dd.length; i++) if (dd[i]! >= req.ruinDrawdown) ruined++;
  const cap = req.initialCapital;
  let finalEquity: MonteCarloResult['finalEquity'];
  if (req.method === 'reshuffle') {
    let product = 1;
    for (let i = 0; i < req.tradeReturns.length; i++) product *= 1 + req.tradeReturns[i]!;
    finalEquity = { invariant: true, value: product * cap };
  } else {
    finalEquity = { invariant: false, ...percentiles(final, cap) };
  }
  return {
    method: req.method,
    replacement: req.method === 'reshuffle' ? false : req.replacement,
    paths: req.paths,
    tradesPerPath: req.method === 'reshuffle' ? req.tradeReturns.length : req.tradesPerPath,
    seed: req.seed,
    initialCapital: cap,
    finalEquity,
    maxDrawdown: percentiles(dd, 1),
    ruinDrawdown: req.ruinDrawdown,
    histogram:
      req.method === 'reshuffle'
        ? { of: 'maxDrawdown', bins: histogram(dd, 1) }
        : { of: 'finalEquity', bins: histogram(final, cap) },
    probabilityOfRuin: ruined / req.paths,
  };
}

export interface MonteCarloRunOptions {
  /** Paths per chunk between progress reports and cancellation checks. @default 5000 */
  chunkSize?: number;
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

/**
 * Every path on this thread.
 *
 * @example
 * const req = parseMonteCarloRequest({ tradeReturns: result.tradeReturns, method: 'bootstrap', paths: 100_000, seed: 1 });
 * const mc = runMonteCarlo(req, { onProgress: (p) => job.progress(p), signal });
 */
export function runMonteCarlo(req: MonteCarloRequest, opts: MonteCarloRunOptions = {}): MonteCarloResult {
  const chunks: MonteCarloChunk[] = [];
  for (const [start, end] of chunkRanges(req.paths, Math.max(1, opts.chunkSize ?? 5000))) {
    opts.signal?.throwIfAborted();
    chunks.push(runMonteCarloChunk(req, start, end));
    opts.onProgress?.(Math.floor((end / req.paths) * 100));
  }
  return mergeMonteCarloChunks(req, chunks);
}
