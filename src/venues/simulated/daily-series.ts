/**
 * Day-level price process of one instrument: GARCH(1,1) variance (volatility
 * clusters), Poisson jumps and a weak pull back to the starting level. It is
 * generated sequentially from an anchor day, forward for later days and as a
 * mirror process backward for earlier ones, and kept in growable arrays, so
 * the level at any day is a pure function of the seed.
 */
import { hash3, Rng } from '../../lib/random.js';
import type { Instrument } from './universe.js';

const GARCH_ALPHA = 0.08;
const GARCH_BETA = 0.9;

/** One day of the level process (latent units; see `Instrument.level0`). */
export interface DayLevels {
  open: number;
  close: number;
  /** Variance of the day's diffusive move. */
  variance: number;
  /** Size of the day's jump, 0 when none. */
  jump: number;
}

class Side {
  close: Float64Array;
  variance: Float64Array;
  jump: Float64Array;
  length = 0;
  readonly rng: Rng;
  h: number;

  constructor(seed: number, initialClose: number, h0: number) {
    this.rng = new Rng(seed);
    this.close = new Float64Array(64);
    this.variance = new Float64Array(64);
    this.jump = new Float64Array(64);
    this.close[0] = initialClose;
    this.length = 1;
    this.h = h0;
  }

  /** Room for at least `length` days and 32 more: sized to what is asked, not doubled (days since 2024 x 400 instruments). */
  grow(length: number): void {
    const n = Math.max(length + 32, this.close.length);
    const grow = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.close = grow(this.close);
    this.variance = grow(this.variance);
    this.jump = grow(this.jump);
  }
}

/** The day-level process of one instrument, extended lazily in both directions. */
export class DailySeries {
  private readonly forward: Side;
  private readonly backward: Side;
  private readonly omega: number;

  /**
   * @param anchorDay day index (days since 1970-01-01) whose open is `inst.level0`
   */
  constructor(
    private readonly inst: Instrument,
    seed: number,
    private readonly anchorDay: number,
  ) {
    const h = inst.dailyVariance;
    this.omega = h * (1 - GARCH_ALPHA - GARCH_BETA);
    // forward.close[k] is the close of day anchor+k-1 (close[0] = anchor's open);
    // backward.close[k] is the open of day anchor-k (close[0] = anchor's open).
    this.forward = new Side(hash3(seed, inst.index, 1), inst.level0, h);
    this.backward = new Side(hash3(seed, inst.index, 2), inst.level0, h);
  }

  /** Levels of day `day` (days since 1970-01-01). */
  day(day: number, out: DayLevels): DayLevels {
    const k = day - this.anchorDay;
    if (k >= 0) {
      this.extend(this.forward, k + 2, 1);
      out.open = this.forward.close[k]!;
      out.close = this.forward.close[k + 1]!;
      out.variance = this.forward.variance[k + 1]!;
      out.jump = this.forward.jump[k + 1]!;
    } else {
      const j = -k;
      this.extend(this.backward, j + 1, -1);
      out.open = this.backward.close[j]!;
      out.close = this.backward.close[j - 1]!;
      out.variance = this.backward.variance[j]!;
      out.jump = this.backward.jump[j]!;
    }
    return out;
  }

  /** Steps `side` until it holds `length` levels; `dir` is +1 forward in time, -1 backward. */
  private extend(side: Side, length: number, dir: 1 | -1): void {
    const inst = this.inst;
    while (side.length < length) {
      if (side.length === side.close.length) side.grow(length);
      const i = side.length;
      const prev = side.close[i - 1]!;
      const h = side.h;
      const eps = Math.sqrt(h) * side.rng.normal();
      const jump = side.rng.next() < inst.jumpProb ? inst.jumpMean + inst.jumpStd * side.rng.normal() : 0;
      const pull = inst.meanReversion * (inst.level0 - prev);
      // Backward, the same move is applied in reverse so the day's return is still eps + jump.
      side.close[i] = prev + pull + dir * (eps + jump);
      side.variance[i] = h;
      side.jump[i] = jump;
      side.length = i + 1;
      side.h = this.omega + GARCH_ALPHA * eps * eps + GARCH_BETA * h;
    }
  }
}
