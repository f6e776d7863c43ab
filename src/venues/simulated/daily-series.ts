/**
 * Day-level price process of one instrument: GARCH(1,1) variance (volatility
 * clusters), Poisson jumps and a weak pull back to the starting level. It is
 * generated sequentially from an anchor day, forward for later days and as a
 * mirror process backward for earlier ones, so the level at any day is a pure
 * function of the seed.
 *
 * Only the generator's state every `BLOCK` days is kept (a checkpoint: level,
 * variance, random state), and the one block last asked for: a day is
 * regenerated from its block's checkpoint when needed, ~1 us for a block.
 * Keeping every day (three doubles each) cost 26 KB an instrument by 2026,
 * 10 MiB for the 400 a busy service prices; this keeps ~2 KB.
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

/** Days generated from one checkpoint; the block kept holds BLOCK + 1 levels (its checkpoint's and BLOCK more). */
const BLOCK = 32;
/** Per checkpoint: level, GARCH variance, then the Rng state (5). */
const STRIDE = 7;

/** One direction of the process from the anchor: checkpoints, and one block of days regenerated from one. */
class Side {
  /** Checkpoint c is the state once index c x BLOCK is generated. */
  private checkpoints = new Float64Array(8 * STRIDE);
  private known = 1;
  /** Indexes block x BLOCK .. block x BLOCK + BLOCK of the block kept (`close[0]` is its checkpoint's level). */
  readonly close = new Float64Array(BLOCK + 1);
  readonly variance = new Float64Array(BLOCK + 1);
  readonly jump = new Float64Array(BLOCK + 1);
  block = -1;
  private readonly rng: Rng;
  private readonly omega: number;

  /** `dir` is +1 forward in time from the anchor, -1 backward. */
  constructor(
    private readonly inst: Instrument,
    seed: number,
    private readonly dir: 1 | -1,
  ) {
    this.rng = new Rng(hash3(seed, inst.index, dir === 1 ? 1 : 2));
    const h = inst.dailyVariance;
    this.omega = h * (1 - GARCH_ALPHA - GARCH_BETA);
    this.checkpoints[0] = inst.level0;
    this.checkpoints[1] = h;
    this.rng.save(this.checkpoints, 2);
  }

  /** Makes `block` the block kept: regenerated from its checkpoint, checkpoints extended up to it first. */
  load(block: number): void {
    if (block === this.block) return;
    while (this.known <= block) this.fill(this.known - 1, true);
    this.fill(block, block === this.known - 1);
  }

  /** Generates block `b` from its checkpoint into the arrays; with `advance`, stores the next checkpoint. */
  private fill(b: number, advance: boolean): void {
    const cp = this.checkpoints;
    const at = b * STRIDE;
    this.rng.load(cp, at + 2);
    this.close[0] = cp[at]!;
    let h = cp[at + 1]!;
    for (let i = 1; i <= BLOCK; i++) h = this.advance(i, h);
    this.block = b;
    if (!advance) return;
    const next = (b + 1) * STRIDE;
    if (next + STRIDE > cp.length) {
      this.checkpoints = new Float64Array(cp.length * 2);
      this.checkpoints.set(cp);
    }
    this.checkpoints[next] = this.close[BLOCK]!;
    this.checkpoints[next + 1] = h;
    this.rng.save(this.checkpoints, next + 2);
    this.known = b + 2;
  }

  /** Generates index `i` of the block from index i - 1 and the variance `h`; returns the next variance. */
  private advance(i: number, h: number): number {
    const inst = this.inst;
    const rng = this.rng;
    const prev = this.close[i - 1]!;
    const eps = Math.sqrt(h) * rng.normal();
    const jump = rng.next() < inst.jumpProb ? inst.jumpMean + inst.jumpStd * rng.normal() : 0;
    const pull = inst.meanReversion * (inst.level0 - prev);
    // Backward, the same move is applied in reverse so the day's return is still eps + jump.
    this.close[i] = prev + pull + this.dir * (eps + jump);
    this.variance[i] = h;
    this.jump[i] = jump;
    return this.omega + GARCH_ALPHA * eps * eps + GARCH_BETA * h;
  }
}

/** The day-level process of one instrument, extended lazily in both directions. */
export class DailySeries {
  // Forward, index k is the close of day anchor+k-1 (index 0 = anchor's open);
  // backward, index k is the open of day anchor-k (index 0 = anchor's open).
  private readonly forward: Side;
  private readonly backward: Side;

  /**
   * @param anchorDay day index (days since 1970-01-01) whose open is `inst.level0`
   */
  constructor(
    inst: Instrument,
    seed: number,
    private readonly anchorDay: number,
  ) {
    this.forward = new Side(inst, seed, 1);
    this.backward = new Side(inst, seed, -1);
  }

  /** Levels of day `day` (days since 1970-01-01). */
  day(day: number, out: DayLevels): DayLevels {
    const k = day - this.anchorDay;
    if (k >= 0) {
      // Indexes k and k + 1, both in block floor(k / BLOCK).
      const f = this.forward;
      f.load(Math.floor(k / BLOCK));
      const i = k - f.block * BLOCK;
      out.open = f.close[i]!;
      out.close = f.close[i + 1]!;
      out.variance = f.variance[i + 1]!;
      out.jump = f.jump[i + 1]!;
    } else {
      // Indexes j - 1 and j, both in block floor((j - 1) / BLOCK).
      const j = -k;
      const b = this.backward;
      b.load(Math.floor((j - 1) / BLOCK));
      const i = j - b.block * BLOCK;
      out.open = b.close[i]!;
      out.close = b.close[i - 1]!;
      out.variance = b.variance[i]!;
      out.jump = b.jump[i]!;
    }
    return out;
  }
}
