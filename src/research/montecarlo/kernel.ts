/**
 * The Monte Carlo inner loops: simulate paths [start, end) and write each
 * path's final equity multiple and maximum drawdown. Each path p draws from
 * its own sfc32 generator seeded from (seed, p), so a path's outcome does not
 * depend on which chunk or thread computes it: any split of the paths gives
 * identical results. Typed arrays, no allocation per path.
 */

import { mix32 as mix } from '../../lib/random.js';

const TWO_POW_MINUS_32 = 2 ** -32;

/**
 * @param growth 1 + each trade's return
 * @param draws trades per path; for a permutation, at most growth.length
 * @param replacement true: independent draws; false: a (partial) random permutation
 * @param outFinal final equity multiple of path start + k, at k
 * @param outDrawdown maximum drawdown (fraction of the peak) of path start + k, at k
 */
export function simulatePaths(
  growth: Float64Array,
  draws: number,
  replacement: boolean,
  seed: number,
  start: number,
  end: number,
  outFinal: Float64Array,
  outDrawdown: Float64Array,
): void {
  const n = growth.length;
  const work = new Float64Array(n);
  for (let path = start; path < end; path++) {
    // sfc32 state from (seed, path), warmed up as its author recommends.
    let a = mix(seed ^ 0x9e3779b9) | 0;
    let b = mix(path + 0x7f4a7c15) | 0;
    let c = mix((seed + Math.imul(path, 0x632be5ab)) ^ 0x85ebca6b) | 0;
    let d = 1;
    for (let i = 0; i < 12; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
    }
    let eq = 1;
    let peak = 1;
    let maxDd = 0;
    let floor = 1; // equity below which the drawdown is a new maximum: peak x (1 - maxDd)
    if (replacement) {
      for (let k = 0; k < draws; k++) {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        eq *= growth[Math.floor((t >>> 0) * TWO_POW_MINUS_32 * n)]!;
        if (eq > peak) {
          peak = eq;
          floor = peak * (1 - maxDd);
        } else if (eq < floor) {
          maxDd = 1 - eq / peak;
          floor = eq;
        }
      }
    } else {
      // Fisher-Yates, drawing position k from the trades not drawn yet.
      work.set(growth);
      for (let k = 0; k < draws; k++) {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        const j = k + Math.floor((t >>> 0) * TWO_POW_MINUS_32 * (n - k));
        const g = work[j]!;
        work[j] = work[k]!;
        work[k] = g;
        eq *= g;
        if (eq > peak) {
          peak = eq;
          floor = peak * (1 - maxDd);
        } else if (eq < floor) {
          maxDd = 1 - eq / peak;
          floor = eq;
        }
      }
    }
    outFinal[path - start] = eq;
    outDrawdown[path - start] = maxDd;
  }
}
