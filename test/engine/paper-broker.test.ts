/**
 * The paper broker's fills, each checked by hand: limit orders, stop-loss
 * and take-profit (including gaps and the stop-first rule), partial fills
 * capped by bar volume, and the cash cap on entries.
 */
import { describe, expect, it } from 'vitest';
import { barsFromCandles } from '../../src/engine/bars.js';
import { runBacktest } from '../../src/research/backtest.js';
import { hourly, type Script, ScriptedStrategy } from './scripted-strategy.js';

function run(
  rows: Parameters<typeof hourly>[0],
  script: Script,
  opts: { feeRate?: number; maxVolumeFraction?: number } = {},
) {
  return runBacktest({
    strategy: new ScriptedStrategy(script),
    symbol: 'T',
    bars: barsFromCandles(hourly(rows)),
    initialCapital: 1000,
    risk: { positionFraction: 0.5 },
    ...opts,
  });
}

describe('PaperBroker', () => {
  it('fills a limit buy only when a later bar trades through it, at the limit', () => {
    const r = run(
      [
        [10, 10, 10, 10], // 0: enter with limit 9; qty = 0.5 x 1000 / 9 = 55.5...
        [10, 11, 9.5, 10], // 1: low 9.5 > 9: no fill
        [10, 10, 8.5, 9], // 2: low 8.5 <= 9: fills at 9
        [9, 9, 9, 9], // 3: exit decided
        [12, 12, 12, 12], // 4: sold at 12
      ],
      { enter: [0], exit: [3], limitPrice: 9 },
    );
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({
      entryBar: 2,
      entryPrice: 9,
      exitBar: 4,
      exitPrice: expect.closeTo(12, 9),
    });
    expect(r.trades[0]!.qty).toBeCloseTo(500 / 9, 12);
  });

  it('fills a limit buy at the open when the bar gaps below the limit', () => {
    const r = run(
      [
        [10, 10, 10, 10],
        [8, 8.5, 7.5, 8], // opens at 8, below the 9 limit
        [8, 8, 8, 8],
      ],
      { enter: [0], limitPrice: 9 },
    );
    expect(r.trades[0]).toMatchObject({ entryBar: 1, entryPrice: 8, exitReason: 'end' });
  });

  it('exits at the stop, or at the open when the bar gaps below it', () => {
    const at = run(
      [
        [10, 10, 10, 10], // enter, stop 9
        [10, 10.5, 9.8, 10], // bought at 10
        [10, 10, 8.5, 9], // low 8.5 reaches the stop: out at 9
      ],
      { enter: [0], stopLoss: 9 },
    );
    expect(at.trades[0]).toMatchObject({ exitBar: 2, exitPrice: 9, exitReason: 'stop-loss' });
    const gap = run(
      [
        [10, 10, 10, 10],
        [10, 10.5, 9.8, 10],
        [8, 8.2, 7.9, 8], // opens at 8, below the 9 stop
      ],
      { enter: [0], stopLoss: 9 },
    );
    expect(gap.trades[0]).toMatchObject({ exitPrice: 8, exitReason: 'stop-loss' });
  });

  it('takes profit at the target, and assumes the stop first when one bar touches both', () => {
    const tp = run(
      [
        [10, 10, 10, 10],
        [10, 10.5, 9.8, 10],
        [10, 12.5, 10, 12], // high 12.5 reaches the 12 target
      ],
      { enter: [0], stopLoss: 9, takeProfit: 12 },
    );
    expect(tp.trades[0]).toMatchObject({ exitPrice: 12, exitReason: 'take-profit' });
    const both = run(
      [
        [10, 10, 10, 10],
        [10, 10.5, 9.8, 10],
        [10, 13, 8, 11], // touches 9 and 12
      ],
      { enter: [0], stopLoss: 9, takeProfit: 12 },
    );
    expect(both.trades[0]).toMatchObject({ exitPrice: 9, exitReason: 'stop-loss' });
  });

  it('fills at most a fraction of each bar volume and keeps the rest working', () => {
    // qty = 0.5 x 1000 / 10 = 50; 20% of 100 = 20 per bar: 20 + 20 + 10.
    const r = run(
      [
        [10, 10, 10, 10, 100],
        [10, 10, 10, 10, 100],
        [11, 11, 11, 11, 100],
        [12, 12, 12, 12, 100],
        [12, 12, 12, 12, 100], // exit decided
        [10, 10, 10, 10, 100], // sells 20
        [10, 10, 10, 10, 100], // sells 20
        [10, 10, 10, 10, 100], // sells 10
      ],
      { enter: [0], exit: [4] },
      { maxVolumeFraction: 0.2 },
    );
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect(t.qty).toBeCloseTo(50, 12);
    expect(t.entryPrice).toBeCloseTo((20 * 10 + 20 * 11 + 10 * 12) / 50, 12);
    expect(t.exitBar).toBe(7);
    expect(t.exitPrice).toBeCloseTo(10, 12);
  });

  it('never spends more cash than it has, fee included', () => {
    const r = runBacktest({
      strategy: new ScriptedStrategy({ enter: [0] }),
      symbol: 'T',
      bars: barsFromCandles(
        hourly([
          [10, 10, 10, 10],
          [20, 20, 20, 20],
        ]),
      ),
      initialCapital: 1000,
      feeRate: 0.01,
      closeAtEnd: false,
    });
    // qty wanted = 1000 / 10 = 100, but at 20 the cash buys 1000 / (20 x 1.01).
    expect(r.metrics.finalEquity).toBeCloseTo((1000 / 20.2) * 20, 9);
  });
});
