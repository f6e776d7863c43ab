import { describe, expect, it } from 'vitest';
import { hash3, Rng } from '../../../src/lib/random.js';
import { DailySeries, type DayLevels } from '../../../src/venues/simulated/daily-series.js';
import { buildUniverse, type Instrument } from '../../../src/venues/simulated/universe.js';

const SEED = 7;
const ANCHOR = 19_723; // 2024-01-01

/**
 * The process as its definition reads: every day stepped in order from the
 * anchor and kept (what DailySeries did before it kept checkpoints).
 */
function reference(inst: Instrument, dir: 1 | -1, length: number) {
  const rng = new Rng(hash3(SEED, inst.index, dir === 1 ? 1 : 2));
  const close = [inst.level0];
  const variance = [0];
  const jump = [0];
  const omega = inst.dailyVariance * (1 - 0.08 - 0.9);
  let h = inst.dailyVariance;
  for (let i = 1; i < length; i++) {
    const prev = close[i - 1]!;
    const eps = Math.sqrt(h) * rng.normal();
    const j = rng.next() < inst.jumpProb ? inst.jumpMean + inst.jumpStd * rng.normal() : 0;
    close.push(prev + inst.meanReversion * (inst.level0 - prev) + dir * (eps + j));
    variance.push(h);
    jump.push(j);
    h = omega + 0.08 * eps * eps + 0.9 * h;
  }
  return { close, variance, jump };
}

function expected(inst: Instrument, day: number): DayLevels {
  const k = day - ANCHOR;
  if (k >= 0) {
    const f = reference(inst, 1, k + 2);
    return { open: f.close[k]!, close: f.close[k + 1]!, variance: f.variance[k + 1]!, jump: f.jump[k + 1]! };
  }
  const b = reference(inst, -1, -k + 1);
  return { open: b.close[-k]!, close: b.close[-k - 1]!, variance: b.variance[-k]!, jump: b.jump[-k]! };
}

describe('DailySeries', () => {
  const universe = buildUniverse(SEED, 4, 2);

  it('gives every day exactly the levels of the process stepped in order, whatever order days are asked in', () => {
    // Both directions, block edges (multiples of 32 and their neighbours), far days, repeats, random order.
    const days = [
      0, 1, 30, 31, 32, 33, 63, 64, 65, 1_100, 1_099, 5, 2_000, -1, -2, -32, -33, -31, -64, -65, -400, 0,
    ];
    for (const inst of [universe[0]!, universe[5]!]) {
      const series = new DailySeries(inst, SEED, ANCHOR);
      for (const d of days) {
        const out: DayLevels = { open: 0, close: 0, variance: 0, jump: 0 };
        expect(series.day(ANCHOR + d, out), `day ${d}`).toEqual(expected(inst, ANCHOR + d));
      }
    }
  });

  it('continues each day where the previous one closed, across checkpoints', () => {
    const series = new DailySeries(universe[1]!, SEED, ANCHOR);
    const a: DayLevels = { open: 0, close: 0, variance: 0, jump: 0 };
    const b: DayLevels = { open: 0, close: 0, variance: 0, jump: 0 };
    for (let d = -70; d < 140; d++) {
      series.day(ANCHOR + d, a);
      const close = a.close;
      series.day(ANCHOR + d + 1, b);
      expect(b.open, `day ${d + 1}`).toBe(close);
    }
  });
});
