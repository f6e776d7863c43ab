/** Risk limits stop entries: open positions across symbols, exposure per symbol, daily loss, ATR sizing. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { barsFromCandles } from '../../src/engine/bars.js';
import { type Decision, Engine } from '../../src/engine/engine.js';
import { PaperBroker } from '../../src/engine/paper-broker.js';
import { RiskManager } from '../../src/engine/risk.js';
import { runBacktest } from '../../src/research/backtest.js';
import { hourly, ScriptedStrategy } from './scripted-strategy.js';

const flat = (n: number, price = 10) => hourly(Array.from({ length: n }, () => [price, price, price, price]));

describe('RiskManager', () => {
  it('refuses an entry beyond maxOpenPositions across symbols sharing one broker', () => {
    const clock = new ManualClock(0);
    const broker = new PaperBroker({ initialCash: 1000 });
    const risk = new RiskManager({ maxOpenPositions: 1, positionFraction: 0.25 }, clock);
    const decisions: Decision[] = [];
    const bars = barsFromCandles(flat(4));
    const engines = ['A', 'B'].map(
      (symbol) =>
        new Engine({
          symbol,
          bars,
          strategy: new ScriptedStrategy({ enter: [0, 2] }),
          broker,
          risk,
          clock,
          onDecision: (d) => decisions.push(d),
        }),
    );
    for (let i = 0; i < 4; i++) for (const e of engines) e.step(i);
    expect(decisions.filter((d) => d.bar === 0).map((d) => [d.symbol, d.accepted, d.blockedBy])).toEqual([
      ['A', true, undefined],
      ['B', false, 'max open positions 1 reached'],
    ]);
    expect(broker.slots.map((s) => s.qty)).toEqual([25, 0]);
  });

  it('caps one symbol at maxSymbolExposure of equity', () => {
    const r = runBacktest({
      strategy: new ScriptedStrategy({ enter: [0] }),
      symbol: 'T',
      bars: barsFromCandles(flat(3)),
      initialCapital: 1000,
      risk: { maxSymbolExposure: 0.3 },
    });
    expect(r.trades[0]!.qty).toBeCloseTo(30, 12); // 30% of 1000 at 10
  });

  it('sizes by risk: equity x riskPerTrade / stop distance', () => {
    const r = runBacktest({
      strategy: new ScriptedStrategy({ enter: [0], stopLoss: 8 }),
      symbol: 'T',
      bars: barsFromCandles(flat(3)),
      initialCapital: 1000,
      risk: { riskPerTrade: 0.01 },
    });
    expect(r.trades[0]!.qty).toBeCloseTo((1000 * 0.01) / 2, 12);
  });

  it('stops new entries for the rest of the UTC day after the daily loss limit, and resumes the next day', () => {
    // Hourly bars from 2024-01-01T00:00Z. Bought at bar 1 at 10; bar 2 closes at 9: equity 950 < 1000 x (1 - 2%).
    const rows: [number, number, number, number][] = [
      [10, 10, 10, 10],
      [10, 10, 10, 10],
      [9, 9, 9, 9],
    ];
    for (let i = 3; i < 30; i++) rows.push([9, 9, 9, 9]);
    const candles = hourly(rows);
    const clock = new ManualClock(candles[0]!.ts);
    const broker = new PaperBroker({ initialCash: 1000 });
    const decisions: Decision[] = [];
    const engine = new Engine({
      symbol: 'T',
      bars: barsFromCandles(candles),
      // Enter at 0, out at 3, then try again every few hours.
      strategy: new ScriptedStrategy({ enter: [0, 6, 12, 23, 25], exit: [3] }),
      broker,
      risk: new RiskManager({ dailyLossLimit: 0.02, positionFraction: 0.5 }, clock),
      clock,
      onDecision: (d) => decisions.push(d),
    });
    for (let i = 0; i < candles.length; i++) {
      clock.advance(candles[i]!.ts + 3_600_000 - clock.now()); // the hour bar has closed
      engine.step(i);
    }
    const entries = decisions.filter((d) => d.action === 'enter-long').map((d) => [d.bar, d.accepted]);
    // Bar 23 closes at midnight: a new day, so it is accepted again.
    expect(entries).toEqual([
      [0, true],
      [6, false],
      [12, false],
      [23, true],
      [25, false],
    ]);
    expect(decisions.find((d) => d.bar === 6)!.blockedBy).toBe('daily loss limit 2% reached');
    expect(decisions.find((d) => d.bar === 25)!.blockedBy).toMatch(/already in a position/);
  });
});
