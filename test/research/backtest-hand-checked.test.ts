/**
 * A backtest small enough to check by hand: every fill, fee and the final
 * equity are spelled out below and follow from the bars and the rules
 * (decide on a bar's close, fill at the next bar's open plus slippage, fee on
 * notional).
 */
import { describe, expect, it } from 'vitest';
import { barsFromCandles } from '../../src/engine/bars.js';
import { smaCross } from '../../src/engine/strategies/sma-cross.js';
import { runBacktest } from '../../src/research/backtest.js';
import { hourly } from '../engine/scripted-strategy.js';

// sma-cross with fast = 1, slow = 2: fast - slow = (close - previous close) / 2,
// so it "crosses up" on the first rise after a fall and "crosses down" on the first fall after a rise.
const bars = barsFromCandles(
  hourly([
    [10, 10, 10, 10], // 0: no SMA(2) yet
    [10, 10, 8, 8], //   1: diff -1
    [8, 10, 8, 10], //   2: diff +1 after -1: ENTER decided at close 10; qty = 0.5 x 1000 / 10 = 50
    [11, 12, 11, 12], // 3: buy 50 at open 11 x 1.001 = 11.011 -> 550.55, fee 0.55055
    [12, 12, 11, 11], // 4: diff -0.5 after +1: EXIT decided at close 11 (not at this bar's prices)
    [13, 13, 10, 10], // 5: sell 50 at open 13 x 0.999 = 12.987 -> 649.35, fee 0.64935; diff -0.5: no signal
  ]),
);

describe('hand-checked sma-cross backtest', () => {
  const r = runBacktest({
    strategy: smaCross.create({ fast: 1, slow: 2 }),
    symbol: 'TEST',
    bars,
    initialCapital: 1000,
    feeRate: 0.001,
    slippageBps: 10,
    risk: { positionFraction: 0.5 },
  });

  it('makes exactly one trade with the fills and fees worked out by hand', () => {
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect(t.entryBar).toBe(3);
    expect(t.exitBar).toBe(5);
    expect(t.qty).toBeCloseTo(50, 12);
    expect(t.entryPrice).toBeCloseTo(11.011, 12);
    expect(t.exitPrice).toBeCloseTo(12.987, 12);
    expect(t.fees).toBeCloseTo(0.55055 + 0.64935, 10); // 1.1999
    // 649.35 - 550.55 - 1.1999
    expect(t.pnl).toBeCloseTo(97.6001, 10);
    expect(t.return).toBeCloseTo(97.6001 / (550.55 + 0.55055), 12);
    expect(t.exitReason).toBe('signal');
  });

  it('marks equity at every close', () => {
    const cashAfterBuy = 1000 - 550.55 - 0.55055; // 448.89945
    const expected = [1000, 1000, 1000, cashAfterBuy + 50 * 12, cashAfterBuy + 50 * 11, 1097.6001];
    expect(r.equityCurve.map((p) => p.equity)).toEqual(expected.map((e) => expect.closeTo(e, 9)));
  });

  it('reports the metrics of that one trade', () => {
    const m = r.metrics;
    expect(m.finalEquity).toBeCloseTo(1097.6001, 9);
    expect(m.totalReturn).toBeCloseTo(0.0976001, 12);
    expect(m.trades).toBe(1);
    expect(m.winRate).toBe(1);
    expect(m.profitFactor).toBeNull(); // no losing trade
    expect(m.exposure).toBeCloseTo(2 / 6, 12); // bars 3 and 4 closed holding the position
    // Peak 1048.89945 at bar 3, then 998.89945 at bar 4.
    expect(m.maxDrawdown).toBeCloseTo(50 / (448.89945 + 600), 12);
    expect(m.fees).toBeCloseTo(1.1999, 10);
  });

  it('holds the symbol from the first close as the benchmark, without fees', () => {
    // 1000 buys 100 at the first close 10; the closes are 10, 8, 10, 12, 11, 10.
    expect(r.buyAndHold.equityCurve).toEqual(
      [1000, 800, 1000, 1200, 1100, 1000].map((equity, i) => ({ ts: bars.ts[i], equity })),
    );
    expect(r.buyAndHold.totalReturn).toBe(0);
    const run = (candles: Parameters<typeof hourly>[0]) =>
      runBacktest({
        strategy: smaCross.create({ fast: 1, slow: 2 }),
        symbol: 'TEST',
        bars: barsFromCandles(hourly(candles)),
        initialCapital: 1000,
      }).buyAndHold;
    const rising = run([
      [4, 4, 4, 4],
      [4, 5, 4, 5],
    ]);
    expect(rising.totalReturn).toBe(0.25);
    expect(rising.equityCurve.map((p) => p.equity)).toEqual([1000, 1250]);
    expect(run([])).toEqual({ totalReturn: null, equityCurve: [] });
  });

  it('fills a market order at the NEXT open, never at the deciding close', () => {
    const t = r.trades[0]!;
    expect(t.entryPrice).not.toBeCloseTo(10 * 1.001, 6); // bar 2's close, where the entry was decided
    expect(t.entryTs).toBe(bars.ts[3]);
  });
});
