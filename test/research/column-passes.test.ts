/**
 * The column-wise forms a backtest runs on give the very numbers of their
 * value-by-value forms, however the bars are cut into spans: the SMA spread,
 * the equity stats, the curve sampler, and the engine's span (`run`, with its
 * idle stretches) against `step` on each bar.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarClock } from '../../src/engine/bar-clock.js';
import { type Bars, barsFromColumns } from '../../src/engine/bars.js';
import { type BarTape, Engine } from '../../src/engine/engine.js';
import { Sma } from '../../src/engine/indicators/sma.js';
import { Action } from '../../src/engine/intent.js';
import { PaperBroker } from '../../src/engine/paper-broker.js';
import { RiskManager } from '../../src/engine/risk.js';
import { createStrategy } from '../../src/engine/strategies/registry.js';
import type { Strategy } from '../../src/engine/strategy.js';
import { CurveSampler } from '../../src/research/curve-sampler.js';
import { EquityStats } from '../../src/research/metrics.js';

/** `n` split into consecutive spans of the given lengths (cycled), as [from, to) pairs. */
function spans(n: number, lengths: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0, k = 0; from < n; k++) {
    const to = Math.min(n, from + lengths[k % lengths.length]!);
    out.push([from, to]);
    from = to;
  }
  return out;
}

const values = fc.array(fc.double({ min: 1, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 400 });
const lengths = fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 5 });

/** A seeded random walk with highs, lows and volumes around it. */
function walk(n: number, seed: number): Bars {
  let s = seed;
  const rnd = () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
  const cols = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price * (1 + 0.002 * (rnd() - 0.5));
    const close = open * (1 + 0.01 * (rnd() - 0.5));
    cols.ts[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    cols.open[i] = open;
    cols.close[i] = close;
    cols.high[i] = Math.max(open, close) * (1 + 0.003 * rnd());
    cols.low[i] = Math.min(open, close) * (1 - 0.003 * rnd());
    cols.volume[i] = 1000 * rnd();
    price = close;
  }
  return barsFromColumns(cols);
}

describe('column passes match their value-by-value forms', () => {
  it('Sma.updateSpreadColumn: a.update(x) - b.update(x), bit for bit, across spans', () => {
    fc.assert(
      fc.property(
        values,
        lengths,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 30 }),
        (xs, ls, pa, pb) => {
          const src = Float64Array.from(xs);
          const [a, b, ra, rb] = [new Sma(pa), new Sma(pb), new Sma(pa), new Sma(pb)];
          const out = new Float64Array(src.length);
          for (const [from, to] of spans(src.length, ls))
            Sma.updateSpreadColumn(a, b, src, from, to, out.subarray(from));
          for (let i = 0; i < src.length; i++)
            expect(Object.is(out[i], ra.update(src[i]!) - rb.update(src[i]!))).toBe(true);
          expect(Object.is(a.value, ra.value) && Object.is(b.value, rb.value)).toBe(true);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it('EquityStats.addColumn: add() on each bar, every sum identical', () => {
    fc.assert(
      fc.property(values, lengths, (xs, ls) => {
        const ts = Float64Array.from(xs, (_, i) => 1000 * i);
        const equity = Float64Array.from(xs);
        const holding = Uint8Array.from(xs, (x) => (x > 5000 ? 1 : 0));
        const cols = new EquityStats(xs[0]!);
        const one = new EquityStats(xs[0]!);
        for (const [from, to] of spans(xs.length, ls)) {
          const held = holding.subarray(from, to).reduce((a, h) => a + h, 0);
          cols.addColumn(ts, from, equity.subarray(from), to - from, held);
        }
        for (let i = 0; i < xs.length; i++) one.add(ts[i]!, equity[i]!, holding[i] === 1);
        const sums = (s: EquityStats) => [
          s.n,
          s.firstTs,
          s.lastTs,
          s.final,
          s.sum,
          s.sumSq,
          s.downSq,
          s.peak,
          s.maxDrawdown,
          s.inMarket,
        ];
        expect(sums(cols)).toEqual(sums(one));
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('CurveSampler.addColumn: add(ts, value * scale) on each point, the same points', () => {
    fc.assert(
      fc.property(
        values,
        lengths,
        fc.integer({ min: 4, max: 60 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (xs, ls, max, scale) => {
          const ts = Float64Array.from(xs, (_, i) => 1000 * i);
          const src = Float64Array.from(xs);
          const cols = new CurveSampler(xs.length, max);
          const one = new CurveSampler(xs.length, max);
          for (const [from, to] of spans(xs.length, ls))
            cols.addColumn(ts, from, src, from, to - from, scale);
          for (let i = 0; i < xs.length; i++) one.add(ts[i]!, src[i]! * scale);
          expect(cols.points).toEqual(one.points);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });

  it('Engine.run over spans = step on each bar: a scanning strategy with stops and targets', () => {
    const bars = walk(3000, 5);
    // Enters every 37th bar with a stop 0.4% below and a target 0.5% above the close; exits every 101st.
    const strategy = (): Strategy => ({
      warmup: 0,
      scan(_b, from, to, marked) {
        let n = 0;
        for (let i = from; i < to; i++) if (i % 37 === 0 || i % 101 === 0) marked[n++] = i;
        return n;
      },
      onBar(b, i, pos, intent) {
        if (i % 101 === 0 && pos.qty > 0) intent.action = Action.Exit;
        else if (i % 37 === 0 && pos.qty === 0 && !pos.pending) {
          intent.action = Action.EnterLong;
          intent.stopLoss = b.close[i]! * 0.996;
          intent.takeProfit = b.close[i]! * 1.005;
        }
      },
    });
    const drive = (bySpans: boolean) => {
      const clock = new BarClock(bars.ts[0]!);
      const broker = new PaperBroker({ initialCash: 10_000, feeRate: 0.001 });
      const engine = new Engine({
        symbol: 'S',
        bars,
        strategy: strategy(),
        broker,
        risk: new RiskManager({}, clock),
        clock,
      });
      const equity = new Float64Array(bars.length);
      if (bySpans) {
        for (const [from, to] of spans(bars.length, [50, 3, 700])) {
          const tape: BarTape = {
            clock,
            barMs: 0,
            equity: equity.subarray(from),
            heldBars: 0,
          };
          engine.run(from, to, tape);
        }
      } else {
        for (let i = 0; i < bars.length; i++) {
          clock.set(bars.ts[i]!);
          engine.step(i);
          equity[i] = engine.equity;
        }
      }
      return { trades: broker.trades.toArray(), equity };
    };
    const spansRun = drive(true);
    expect(new Set(spansRun.trades.map((t) => t.exitReason))).toEqual(
      new Set(['stop-loss', 'take-profit', 'signal']),
    );
    expect(spansRun).toEqual(drive(false));
  });

  it.each([
    ['sma-cross', { fast: 3, slow: 8 }, {}],
    ['breakout', { lookback: 10, exitLookback: 5, atrStop: 1.5 }, { riskPerTrade: 0.02 }],
    ['rsi-reversion', { period: 5, oversold: 40, overbought: 60 }, { dailyLossLimit: 0.01 }],
  ] as const)('Engine.run over spans = step on each bar (%s): trades and equity', (id, params, risk) => {
    const bars = walk(3000, 11);
    const drive = (bySpans: boolean) => {
      const clock = new BarClock(bars.ts[0]!);
      const broker = new PaperBroker({ initialCash: 10_000, feeRate: 0.001, slippageBps: 2 });
      const { strategy } = createStrategy(id, params);
      const engine = new Engine({
        symbol: 'S',
        bars,
        strategy,
        broker,
        risk: new RiskManager(risk, clock),
        clock,
      });
      const equity = new Float64Array(bars.length);
      let heldBars = 0;
      if (bySpans) {
        for (const [from, to] of spans(bars.length, [7, 300, 1, 64])) {
          const tape: BarTape = { clock, barMs: 60_000, equity: equity.subarray(from), heldBars: 0 };
          engine.run(from, to, tape);
          heldBars += tape.heldBars;
          expect(clock.now()).toBe(bars.ts[to - 1]! + 60_000);
        }
      } else {
        for (let i = 0; i < bars.length; i++) {
          clock.set(bars.ts[i]! + 60_000);
          engine.step(i);
          equity[i] = engine.equity;
          if (broker.slots[0]!.qty > 0) heldBars++;
        }
      }
      return { trades: broker.trades.toArray(), equity, heldBars };
    };
    const spansRun = drive(true);
    const stepped = drive(false);
    expect(stepped.trades.length).toBeGreaterThan(5);
    expect(spansRun).toEqual(stepped);
  });
});
