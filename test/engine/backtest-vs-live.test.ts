/**
 * One engine, two drivers: the same strategy gives the same trades whether
 * the runner steps it over historical bars (BarClock) or candles arrive one at
 * a time through a CandleFeed on a ManualClock, on the real S&P 500 series.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import type { Candle } from '../../src/domain/market.js';
import { type Bars, barsFromCandles, CandleBuffer } from '../../src/engine/bars.js';
import { CandleFeed } from '../../src/engine/candle-feed.js';
import { type Decision, Engine } from '../../src/engine/engine.js';
import { PaperBroker } from '../../src/engine/paper-broker.js';
import { type RiskLimits, RiskManager } from '../../src/engine/risk.js';
import { getStrategy } from '../../src/engine/strategies/registry.js';
import { runBacktest } from '../../src/research/backtest.js';
import { defaultDataDir, loadReplaySeries } from '../../src/venues/replay/datasets.js';

const DAY_MS = 86_400_000;
let candles: Candle[];
let spx: Bars;
beforeAll(async () => {
  candles = (await loadReplaySeries(defaultDataDir())).find((s) => s.symbol === 'SPX')!.bars;
  spx = barsFromCandles(candles);
});

const cases: { strategy: string; params: Record<string, number>; risk: Partial<RiskLimits> }[] = [
  { strategy: 'sma-cross', params: { fast: 10, slow: 50 }, risk: {} },
  {
    strategy: 'rsi-reversion',
    params: { period: 14, oversold: 30, overbought: 60 },
    risk: { positionFraction: 0.5 },
  },
  {
    strategy: 'breakout',
    params: { lookback: 20, exitLookback: 10, atrStop: 2 },
    risk: { riskPerTrade: 0.01 },
  },
  {
    strategy: 'sma-cross',
    params: { fast: 5, slow: 20 },
    risk: { dailyLossLimit: 0.01, maxSymbolExposure: 0.8 },
  },
];

function live(strategy: string, params: Record<string, number>, risk: Partial<RiskLimits>) {
  const def = getStrategy(strategy);
  const clock = new ManualClock(candles[0]!.ts);
  const broker = new PaperBroker({
    initialCash: 10_000,
    feeRate: 0.001,
    slippageBps: 5,
    maxVolumeFraction: 0.5,
  });
  const buffer = new CandleBuffer(16);
  const decisions: Decision[] = [];
  const engine = new Engine({
    symbol: 'SPX',
    bars: buffer,
    strategy: def.create(def.parse(params)),
    broker,
    risk: new RiskManager(risk, clock),
    clock,
    onDecision: (d) => decisions.push(d),
  });
  const feed = new CandleFeed(engine, buffer);
  const equity: number[] = [];
  for (const c of candles) {
    // A daily candle is complete at the next midnight: that is when it arrives.
    clock.advance(c.ts + DAY_MS - clock.now());
    feed.onCandle(c);
    feed.onCandle(c); // a repeated poll is ignored
    equity.push(engine.equity);
  }
  return { trades: broker.trades.toArray(['SPX']), equity, decisions };
}

describe('backtest and live/paper modes run the same engine', () => {
  it.each(cases)('$strategy $params $risk: identical trades and equity', ({ strategy, params, risk }) => {
    const def = getStrategy(strategy);
    const bt = runBacktest({
      strategy: def.create(def.parse(params)),
      symbol: 'SPX',
      bars: spx,
      initialCapital: 10_000,
      feeRate: 0.001,
      slippageBps: 5,
      maxVolumeFraction: 0.5,
      risk,
      barMs: DAY_MS,
      closeAtEnd: false,
      curvePoints: 10_000,
    });
    const lv = live(strategy, params, risk);
    expect(bt.trades.length).toBeGreaterThan(3);
    expect(lv.trades).toEqual(bt.trades);
    expect(lv.equity).toEqual(bt.equityCurve.map((p) => p.equity));
    expect(lv.decisions.length).toBeGreaterThanOrEqual(bt.trades.length);
  });
});

describe('no look-ahead', () => {
  it('what happens up to bar k does not depend on bars after k (any strategy, any cut)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...cases),
        fc.integer({ min: 60, max: 5000 }),
        fc.double({ min: 0.5, max: 2, noNaN: true }),
        ({ strategy, params, risk }, k, shock) => {
          // Change every bar after k: scale prices (and the future) by `shock`.
          const altered = candles.map((c, i) =>
            i <= k
              ? c
              : {
                  ...c,
                  open: c.open * shock,
                  high: c.high * shock,
                  low: c.low * shock,
                  close: c.close * shock,
                },
          );
          const run = (cs: Candle[]) => {
            const def = getStrategy(strategy);
            return runBacktest({
              strategy: def.create(def.parse(params)),
              symbol: 'SPX',
              bars: barsFromCandles(cs),
              initialCapital: 10_000,
              feeRate: 0.001,
              risk,
              barMs: DAY_MS,
              closeAtEnd: false,
              curvePoints: 10_000,
            });
          };
          const a = run(candles);
          const b = run(altered);
          expect(b.equityCurve.slice(0, k + 1)).toEqual(a.equityCurve.slice(0, k + 1));
          const before = (t: { exitBar: number }) => t.exitBar <= k;
          expect(b.trades.filter(before)).toEqual(a.trades.filter(before));
        },
      ),
      { numRuns: 25, seed: 42 },
    );
  });
});
