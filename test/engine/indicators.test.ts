/**
 * Our indicators against trading-signals (the independent implementation) on
 * the real S&P 500 daily series (5,105 bars, 2000-2020), batch and streaming,
 * including where each warm-up ends.
 */
import * as ts from 'trading-signals';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Bars, barsFromCandles } from '../../src/engine/bars.js';
import {
  Atr,
  atr,
  Bollinger,
  bollinger,
  Ema,
  ema,
  Macd,
  macd,
  RollingExtreme,
  Rsi,
  rsi,
  Sma,
  sma,
} from '../../src/engine/indicators/index.js';
import { defaultDataDir, loadReplaySeries } from '../../src/venues/replay/datasets.js';

let spx: Bars;
beforeAll(async () => {
  const series = await loadReplaySeries(defaultDataDir());
  spx = barsFromCandles(series.find((s) => s.symbol === 'SPX')!.bars);
});

/** Relative tolerance: both sides are float maths in a different order. */
function expectClose(ours: number, theirs: number | null | undefined, where: string): void {
  if (theirs === null || theirs === undefined) throw new Error(`${where}: trading-signals has no value`);
  const tol = 1e-9 * Math.max(1, Math.abs(theirs));
  if (!(Math.abs(ours - theirs) <= tol)) throw new Error(`${where}: ours ${ours}, trading-signals ${theirs}`);
}

/** Feeds trading-signals value by value; null where it is not stable. */
function reference<T>(n: number, add: (i: number) => T | null, stable: () => boolean): (T | null)[] {
  const out: (T | null)[] = [];
  for (let i = 0; i < n; i++) {
    const r = add(i);
    out.push(stable() ? r : null);
  }
  return out;
}

describe('indicators vs trading-signals on S&P 500 daily closes', () => {
  it('has the whole series', () => {
    expect(spx.length).toBe(5105);
  });

  it.each([5, 10, 50, 200])('SMA(%i): batch and streaming, NaN for the first period-1 bars', (p) => {
    const ind = new ts.SMA(p);
    const ref = reference(
      spx.length,
      (i) => ind.add(spx.close[i]!),
      () => ind.isStable,
    );
    const batch = sma(spx.close, p);
    const s = new Sma(p);
    for (let i = 0; i < spx.length; i++) {
      const v = s.update(spx.close[i]!);
      expect(Number.isNaN(batch[i]!)).toBe(i < p - 1);
      if (i < p - 1) continue;
      expectClose(batch[i]!, ref[i], `SMA(${p}) batch at ${i}`);
      expect(v).toBe(batch[i]);
    }
  });

  it.each([5, 12, 26, 50])('EMA(%i), seeded at the first value, warm after period values', (p) => {
    const ind = new ts.EMA(p);
    const ref = reference(
      spx.length,
      (i) => ind.add(spx.close[i]!),
      () => ind.isStable,
    );
    const batch = ema(spx.close, p);
    const s = new Ema(p);
    for (let i = 0; i < spx.length; i++) {
      const v = s.update(spx.close[i]!);
      expect(Number.isNaN(batch[i]!)).toBe(i < p - 1);
      expect(ref[i] === null).toBe(i < p - 1);
      if (i < p - 1) continue;
      expectClose(batch[i]!, ref[i], `EMA(${p}) at ${i}`);
      expect(v).toBe(batch[i]);
    }
  });

  it.each([2, 14, 21])('RSI(%i) with Wilder smoothing, first value at index period', (p) => {
    const ind = new ts.RSI(p);
    const ref = reference(
      spx.length,
      (i) => ind.add(spx.close[i]!),
      () => ind.isStable,
    );
    const batch = rsi(spx.close, p);
    const s = new Rsi(p);
    for (let i = 0; i < spx.length; i++) {
      const v = s.update(spx.close[i]!);
      expect(Number.isNaN(batch[i]!)).toBe(i < p);
      expect(ref[i] === null).toBe(i < p);
      if (i < p) continue;
      expectClose(batch[i]!, ref[i], `RSI(${p}) at ${i}`);
      expect(v).toBe(batch[i]);
    }
  });

  it.each([7, 14])('ATR(%i) with Wilder smoothing, first value at index period-1', (p) => {
    const ind = new ts.ATR(p);
    const ref = reference(
      spx.length,
      (i) => ind.add({ high: spx.high[i]!, low: spx.low[i]!, close: spx.close[i]! }),
      () => ind.isStable,
    );
    const batch = atr(spx.high, spx.low, spx.close, p);
    const s = new Atr(p);
    for (let i = 0; i < spx.length; i++) {
      const v = s.update(spx.high[i]!, spx.low[i]!, spx.close[i]!);
      expect(Number.isNaN(batch[i]!)).toBe(i < p - 1);
      expect(ref[i] === null).toBe(i < p - 1);
      if (i < p - 1) continue;
      expectClose(batch[i]!, ref[i], `ATR(${p}) at ${i}`);
      expect(v).toBe(batch[i]);
    }
  });

  it('MACD(12, 26, 9): macd from index 25, signal and histogram from index 33', () => {
    const ind = new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9));
    const batch = macd(spx.close, 12, 26, 9);
    const s = new Macd(12, 26, 9);
    for (let i = 0; i < spx.length; i++) {
      const r = ind.add(spx.close[i]!);
      const v = s.update(spx.close[i]!);
      expect(Number.isNaN(batch.macd[i]!)).toBe(i < 25);
      expect(Number.isNaN(batch.signal[i]!)).toBe(i < 33);
      expect(r === null).toBe(i < 25);
      if (i < 25) continue;
      expectClose(batch.macd[i]!, r?.macd, `MACD at ${i}`);
      expect(v).toBe(batch.macd[i]);
      if (i < 33) continue;
      expectClose(batch.signal[i]!, r?.signal, `MACD signal at ${i}`);
      expectClose(batch.histogram[i]!, r?.histogram, `MACD histogram at ${i}`);
      expect(s.signal).toBe(batch.signal[i]);
    }
  });

  it.each([20, 50])('Bollinger(%i, 2) with the population standard deviation', (p) => {
    const ind = new ts.BollingerBands(p, 2);
    const batch = bollinger(spx.close, p, 2);
    const s = new Bollinger(p, 2);
    for (let i = 0; i < spx.length; i++) {
      const r = ind.add(spx.close[i]!);
      s.update(spx.close[i]!);
      expect(Number.isNaN(batch.upper[i]!)).toBe(i < p - 1);
      expect(r === null).toBe(i < p - 1);
      if (i < p - 1) continue;
      // A running sum of squares loses a few digits against the two-pass deviation: 1e-7 of the price.
      for (const k of ['middle', 'upper', 'lower'] as const) {
        expect(Math.abs(batch[k][i]! - r![k])).toBeLessThan(1e-7 * r!.middle);
      }
      expect(s.upper).toBe(batch.upper[i]);
    }
  });

  it('rolling highest high and lowest low match a window scan', () => {
    const p = 20;
    const hi = new RollingExtreme(p, true);
    const lo = new RollingExtreme(p, false);
    for (let i = 0; i < spx.length; i++) {
      const h = hi.update(spx.high[i]!);
      const l = lo.update(spx.low[i]!);
      if (i < p - 1) {
        expect(Number.isNaN(h) && Number.isNaN(l)).toBe(true);
        continue;
      }
      expect(h).toBe(Math.max(...spx.high.subarray(i - p + 1, i + 1)));
      expect(l).toBe(Math.min(...spx.low.subarray(i - p + 1, i + 1)));
    }
  });

  it('rejects a period that is not a positive integer', () => {
    expect(() => new Sma(0)).toThrow(RangeError);
    expect(() => ema(spx.close, 2.5)).toThrow(RangeError);
  });
});

describe('Bollinger bands when the price is large against its spread', () => {
  /** Deterministic noise in [-1, 1) (a 32-bit LCG), so failures reproduce. */
  function noise(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 31 - 1;
    };
  }

  /** The population deviation of each full window, two passes over it. */
  function twoPassSd(values: Float64Array, period: number, i: number): { mean: number; sd: number } {
    let sum = 0;
    for (let j = i - period + 1; j <= i; j++) sum += values[j]!;
    const mean = sum / period;
    let m2 = 0;
    for (let j = i - period + 1; j <= i; j++) m2 += (values[j]! - mean) ** 2;
    return { mean, sd: Math.sqrt(m2 / period) };
  }

  it.each([0, 1e6, 1e8])('matches a two-pass deviation at an offset of %d', (offset) => {
    const period = 20;
    const next = noise(7);
    // A slow walk plus noise of about 1 around the offset: the spread is ~1e-8 of the price at 1e8.
    let walk = 0;
    const values = Float64Array.from({ length: 5_000 }, () => {
      walk += next() * 0.05;
      return offset + walk + next();
    });
    const b = new Bollinger(period, 2);
    const batch = bollinger(values, period, 2);
    let worst = 0;
    for (let i = 0; i < values.length; i++) {
      b.update(values[i]!);
      if (i < period - 1) continue;
      const ref = twoPassSd(values, period, i);
      const sd = (b.upper - b.lower) / 4;
      worst = Math.max(worst, Math.abs(sd - ref.sd) / ref.sd);
      expect(Math.abs(b.middle - ref.mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, offset) + 1e-12);
      expect(batch.upper[i]).toBe(b.upper);
    }
    // The old sum-of-squares update was 51 % off at 1e8; deviations keep the values' own precision.
    expect(worst).toBeLessThan(1e-6);
  });

  it('does not drift over a long series, and a flat window has zero width', () => {
    const period = 50;
    const next = noise(11);
    const values = Float64Array.from({ length: 200_000 }, (_, i) => 1e7 + Math.sin(i / 500) * 1e5 + next());
    const b = new Bollinger(period, 2);
    for (let i = 0; i < values.length; i++) b.update(values[i]!);
    const ref = twoPassSd(values, period, values.length - 1);
    expect(Math.abs((b.upper - b.lower) / 4 - ref.sd) / ref.sd).toBeLessThan(1e-6);

    const flat = new Bollinger(5, 2);
    for (let i = 0; i < 12; i++) flat.update(123456789.123);
    expect(flat.upper).toBe(flat.middle);
    expect(flat.lower).toBe(flat.middle);
  });
});
