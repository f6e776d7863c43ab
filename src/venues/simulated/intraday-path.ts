/**
 * Minute-level path of one instrument over one UTC day, conditioned on the
 * day's open and close: increments get a stochastic volatility (an AR(1) on
 * log-volatility, so calm and busy stretches cluster within the day) and are
 * then bridged so the path ends exactly at the day's close; a jump, if the
 * day has one, lands at a random minute. Volume follows volatility.
 * Per-minute highs and lows come from the exact distribution of a Brownian
 * bridge's maximum and minimum, drawn by hashing, so they need no storage.
 */

import { hash4, type Rng, unitFromHash } from '../../lib/random.js';
import type { DayLevels } from './daily-series.js';

export const MINUTES_PER_DAY = 1440;
const VOL_PERSISTENCE = 0.98;
const VOL_OF_VOL = 0.08;

/** The minute path of one day. Levels are in latent units (see `Instrument.level0`). */
export interface DayPath {
  /** Level at the start of each minute; index 1440 is the day's close. */
  level: Float64Array;
  /** Variance of each minute's diffusive move. */
  variance: Float32Array;
  /** Traded base volume in each minute. */
  volume: Float32Array;
  /** Hash that seeds this day's per-minute draws. */
  key: number;
}

/** Builds the path of `day` for instrument `inst` from its day levels. */
export function buildDayPath(
  seed: number,
  inst: number,
  day: number,
  d: DayLevels,
  minuteVolume: number,
  rng: Rng,
): DayPath {
  const key = hash4(seed, inst, day, 0x5eed);
  rng.reseed(key);
  const n = MINUTES_PER_DAY;
  const weight = new Float64Array(n);
  let v = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    // Triangular shocks are plenty for log-volatility and cost two uniforms, not a normal.
    v = VOL_PERSISTENCE * v + VOL_OF_VOL * 1.73 * (rng.next() + rng.next() - 1);
    // A mild daily rhythm: busier around the US session.
    const season = 1 + 0.35 * Math.cos((2 * Math.PI * (i - 900)) / n);
    const w = Math.exp(2 * v) * season;
    weight[i] = w;
    total += w;
  }
  const level = new Float64Array(n + 1);
  const variance = new Float32Array(n);
  const volume = new Float32Array(n);
  const steps = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const w = weight[i]! / total;
    weight[i] = w;
    const var_ = w * d.variance;
    variance[i] = var_;
    const e = Math.sqrt(var_) * rng.normal();
    steps[i] = e;
    sum += e;
    const activity = w * n;
    volume[i] = minuteVolume * Math.sqrt(activity * Math.sqrt(activity)) * (0.6 + 0.8 * rng.next());
  }
  const excess = sum - (d.close - d.open - d.jump);
  const jumpMinute = d.jump === 0 ? -1 : Math.floor(rng.next() * n);
  level[0] = d.open;
  for (let i = 0; i < n; i++) {
    let next = level[i]! + steps[i]! - weight[i]! * excess;
    if (i === jumpMinute) next += d.jump;
    level[i + 1] = next;
  }
  level[n] = d.close;
  return { level, variance, volume, key };
}

/**
 * High of minute `i`: the maximum of a Brownian bridge between the minute's
 * endpoints, drawn exactly from its distribution.
 */
export function minuteHigh(path: DayPath, i: number): number {
  const a = path.level[i]!;
  const b = path.level[i + 1]!;
  const u = unitFromHash(path.key ^ (i * 2 + 1));
  return (a + b + Math.sqrt((a - b) * (a - b) - 2 * path.variance[i]! * Math.log(u))) / 2;
}

/** Low of minute `i`; see `minuteHigh`. */
export function minuteLow(path: DayPath, i: number): number {
  const a = path.level[i]!;
  const b = path.level[i + 1]!;
  const u = unitFromHash(path.key ^ (i * 2 + 2) ^ 0x7f4a7c15);
  return (a + b - Math.sqrt((a - b) * (a - b) - 2 * path.variance[i]! * Math.log(u))) / 2;
}
