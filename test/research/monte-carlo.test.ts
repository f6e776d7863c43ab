/**
 * Monte Carlo: reproducible with a seed, identical however the paths are
 * chunked, the invariants of each method, and bounded inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.js';
import {
  chunkRanges,
  mergeMonteCarloChunks,
  parseMonteCarloRequest,
  runMonteCarlo,
  runMonteCarloChunk,
} from '../../src/research/montecarlo/index.js';

const returns = Array.from({ length: 200 }, (_, i) => 0.01 * Math.sin(i * 1.7) + 0.001);

function detailsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
}

describe('Monte Carlo', () => {
  it('is reproducible with a seed and changes with another seed', () => {
    const req = parseMonteCarloRequest({ tradeReturns: returns, method: 'bootstrap', paths: 2000, seed: 7 });
    const a = runMonteCarlo(req);
    expect(runMonteCarlo(req)).toEqual(a);
    expect(runMonteCarlo({ ...req, seed: 8 })).not.toEqual(a);
  });

  it('gives identical results however the paths are chunked (any ranges, any order)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('reshuffle', 'bootstrap'),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
        (method, replacement, sizes) => {
          const req = parseMonteCarloRequest({
            tradeReturns: returns,
            method,
            replacement,
            paths: 900,
            seed: 3,
          });
          const whole = runMonteCarlo(req, { chunkSize: 900 });
          const chunks = [];
          let start = 0;
          for (let k = 0; start < req.paths; k++) {
            const end = Math.min(req.paths, start + sizes[k % sizes.length]!);
            chunks.push(runMonteCarloChunk(req, start, end));
            start = end;
          }
          chunks.reverse(); // as workers might finish
          expect(mergeMonteCarloChunks(req, chunks)).toEqual(whole);
        },
      ),
      { numRuns: 20, seed: 1 },
    );
  });

  it('refuses chunks that leave a gap or overlap', () => {
    const req = parseMonteCarloRequest({ tradeReturns: returns, paths: 100, seed: 1 });
    const [a, b] = chunkRanges(100, 60).map(([s, e]) => runMonteCarloChunk(req, s, e));
    expect(() => mergeMonteCarloChunks(req, [a!])).toThrow(RangeError);
    expect(() => mergeMonteCarloChunks(req, [a!, a!, b!])).toThrow(RangeError);
  });

  it('reshuffle keeps the final equity and spreads the drawdown; bootstrap spreads both', () => {
    const product = returns.reduce((p, r) => p * (1 + r), 1);
    const shuffled = runMonteCarlo(
      parseMonteCarloRequest({ tradeReturns: returns, paths: 3000, seed: 5, initialCapital: 1000 }),
    );
    expect(shuffled.finalEquity).toEqual({ invariant: true, value: expect.closeTo(product * 1000, 6) });
    expect(shuffled.maxDrawdown.p95).toBeGreaterThan(shuffled.maxDrawdown.p5);
    // Every chunked path really ends at the same equity (up to rounding).
    const chunk = runMonteCarloChunk(
      parseMonteCarloRequest({ tradeReturns: returns, paths: 50, seed: 5 }),
      0,
      50,
    );
    for (const m of chunk.finalMultiple) expect(m).toBeCloseTo(product, 9);

    const boot = runMonteCarlo(
      parseMonteCarloRequest({
        tradeReturns: returns,
        method: 'bootstrap',
        paths: 3000,
        seed: 5,
        initialCapital: 1000,
      }),
    );
    if (boot.finalEquity.invariant) throw new Error('bootstrap must spread final equity');
    expect(boot.finalEquity.p5).toBeLessThan(boot.finalEquity.p50);
    expect(boot.finalEquity.p50).toBeLessThan(boot.finalEquity.p95);

    // Each reports its distribution where it means something: drawdowns for a reshuffle,
    // final equity (in currency) for a bootstrap; every path lands in one bin.
    expect(shuffled.histogram.of).toBe('maxDrawdown');
    expect(boot.histogram.of).toBe('finalEquity');
    for (const h of [shuffled.histogram, boot.histogram]) {
      expect(h.bins.reduce((n, b) => n + b.count, 0)).toBe(3000);
      for (let i = 1; i < h.bins.length; i++) expect(h.bins[i]!.from).toBeCloseTo(h.bins[i - 1]!.to, 9);
    }
    expect(boot.histogram.bins[0]!.from).toBeLessThanOrEqual(boot.finalEquity.p5);
    expect(boot.histogram.bins.at(-1)!.to).toBeGreaterThanOrEqual(boot.finalEquity.p95);
  });

  it('bootstrap without replacement over all trades is a reshuffle; over fewer, it spreads final equity', () => {
    const all = runMonteCarloChunk(
      parseMonteCarloRequest({
        tradeReturns: returns,
        method: 'bootstrap',
        replacement: false,
        paths: 20,
        seed: 2,
      }),
      0,
      20,
    );
    const product = returns.reduce((p, r) => p * (1 + r), 1);
    for (const m of all.finalMultiple) expect(m).toBeCloseTo(product, 9);
    const half = runMonteCarloChunk(
      parseMonteCarloRequest({
        tradeReturns: returns,
        method: 'bootstrap',
        replacement: false,
        tradesPerPath: 100,
        paths: 20,
        seed: 2,
      }),
      0,
      20,
    );
    expect(new Set(half.finalMultiple).size).toBeGreaterThan(1);
  });

  it('computes drawdown and ruin exactly on a path that has one order', () => {
    // One trade of -60%: every path is that trade, drawdown 60%, ruined at 50%.
    const r = runMonteCarlo(
      parseMonteCarloRequest({ tradeReturns: [-0.6], paths: 10, seed: 1, ruinDrawdown: 0.5 }),
    );
    expect(r.maxDrawdown.p50).toBeCloseTo(0.6, 12);
    expect(r.probabilityOfRuin).toBe(1);
    // +100% then -50%, in either order: final 1x; drawdown 50% when the gain comes first, else 50% too.
    const two = runMonteCarlo(
      parseMonteCarloRequest({ tradeReturns: [1, -0.5], paths: 200, seed: 1, ruinDrawdown: 0.6 }),
    );
    expect(two.maxDrawdown.p50).toBeCloseTo(0.5, 12);
    expect(two.probabilityOfRuin).toBe(0);
  });

  it('reports progress and stops when cancelled', () => {
    const req = parseMonteCarloRequest({ tradeReturns: returns, paths: 10_000, seed: 1 });
    const seen: number[] = [];
    runMonteCarlo(req, { chunkSize: 2500, onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([25, 50, 75, 100]);
    const ac = new AbortController();
    expect(() =>
      runMonteCarlo(req, {
        chunkSize: 1000,
        signal: ac.signal,
        onProgress: (p) => {
          if (p >= 30) ac.abort();
        },
      }),
    ).toThrow(/abort/i);
  });

  it('rejects bad input naming the field and the limit', () => {
    expect(detailsOf(() => parseMonteCarloRequest({ tradeReturns: returns, paths: 1e9 }))).toEqual([
      { path: 'paths', message: 'must be at most 1,000,000' },
    ]);
    expect(
      detailsOf(() => parseMonteCarloRequest({ tradeReturns: Array(100_000).fill(0.01), paths: 100_000 }))[0],
    ).toEqual({
      path: 'paths',
      message: expect.stringMatching(/x tradesPerPath must be at most 1,000,000,000/),
    });
    expect(detailsOf(() => parseMonteCarloRequest({ tradeReturns: [] }))[0]!.path).toBe('tradeReturns');
    expect(detailsOf(() => parseMonteCarloRequest({ tradeReturns: [0.1, -1] }))[0]!.path).toBe(
      'tradeReturns[1]',
    );
    expect(detailsOf(() => parseMonteCarloRequest({ tradeReturns: [0.1], method: 'magic' }))[0]!.path).toBe(
      'method',
    );
    expect(
      detailsOf(() =>
        parseMonteCarloRequest({
          tradeReturns: [0.1, 0.2],
          method: 'bootstrap',
          replacement: false,
          tradesPerPath: 3,
        }),
      ),
    ).toEqual([{ path: 'tradesPerPath', message: 'must be at most 2' }]);
    expect(
      detailsOf(() => parseMonteCarloRequest({ tradeReturns: [0.1], seed: -1, ruinDrawdown: 2 })).map(
        (d) => d.path,
      ),
    ).toEqual(['seed', 'ruinDrawdown']);
  });
});
