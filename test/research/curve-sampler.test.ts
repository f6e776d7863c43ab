import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurveSampler } from '../../src/research/curve-sampler.js';

describe('CurveSampler', () => {
  it('keeps at most maxPoints, in time order, with the first, last, lowest and highest points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 3000 }),
        fc.integer({ min: 4, max: 500 }),
        (values, maxPoints) => {
          const s = new CurveSampler(values.length, maxPoints);
          for (const [i, v] of values.entries()) s.add(i, v);
          const pts = s.points;
          expect(pts.length).toBeLessThanOrEqual(
            Math.max(maxPoints, values.length <= maxPoints ? values.length : 0),
          );
          expect(pts[0]).toEqual({ ts: 0, equity: values[0] });
          expect(pts.at(-1)).toEqual({ ts: values.length - 1, equity: values.at(-1) });
          const eq = pts.map((p) => p.equity);
          expect(Math.min(...eq)).toBe(Math.min(...values));
          expect(Math.max(...eq)).toBe(Math.max(...values));
          for (let i = 1; i < pts.length; i++) expect(pts[i]!.ts).toBeGreaterThan(pts[i - 1]!.ts);
        },
      ),
      { numRuns: 200, seed: 9 },
    );
  });
});
