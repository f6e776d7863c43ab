/**
 * Backtest throughput through the engine: an SMA(10/50) crossover with a
 * 0.1% fee over 1,000,000 synthetic one-minute candles (a seeded random
 * walk), run by `runBacktest` — strategy, risk, paper broker, clock, equity
 * curve and metrics — in candles/s, against a hand-written single loop over
 * the same Float64Arrays that computes the same trades. Both must agree on
 * the trade count and final equity before a figure is reported. Median of
 * interleaved rounds.
 */
import { type Bars, barsFromColumns } from '../src/engine/bars.js';
import { SmaCross } from '../src/engine/strategies/sma-cross.js';
import { Rng } from '../src/lib/random.js';
import { runBacktest } from '../src/research/backtest.js';
import type { Benchmark } from './lib/context.js';
import { result } from './lib/result.js';
import { formatNumber } from './lib/stats.js';

const CANDLES = 1_000_000;
const FAST = 10;
const SLOW = 50;
const FEE = 0.001;
const CAPITAL = 10_000;
const ROUNDS = 7;
const TARGET = 4_000_000;
const TARGET_RATIO = 0.1;

/**
 * A seeded random walk of one-minute bars: 0.1% volatility per bar plus a slow
 * cyclical drift (trends for a crossover to follow), highs and lows around
 * open and close.
 */
export function syntheticBars(n: number, seed = 7): Bars {
  const rng = new Rng(seed);
  const cols = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let price = 100;
  const t0 = Date.UTC(2020, 0, 1);
  for (let i = 0; i < n; i++) {
    const open = price * Math.exp(0.0002 * rng.normal());
    const drift = 0.00012 * Math.sin((2 * Math.PI * i) / 20_000);
    const close = open * Math.exp(drift + 0.001 * rng.normal());
    const top = Math.max(open, close);
    const bottom = Math.min(open, close);
    cols.ts[i] = t0 + i * 60_000;
    cols.open[i] = open;
    cols.close[i] = close;
    cols.high[i] = top * (1 + 0.0005 * Math.abs(rng.normal()));
    cols.low[i] = bottom * (1 - 0.0005 * Math.abs(rng.normal()));
    cols.volume[i] = 1000 + 1000 * rng.next();
    price = close;
  }
  return barsFromColumns(cols);
}

/**
 * The same trades in one plain loop: SMAs from ring buffers with the same
 * arithmetic, crossings on the close, all-in entries sized at the deciding
 * close and capped by cash at the next open, exits at the next open, fee on
 * notional, a last open position closed at the final close.
 */
export function handWrittenLoop(bars: Bars, fast: number, slow: number, fee: number, capital: number) {
  const n = bars.length;
  const { open, close } = bars;
  const rf = new Float64Array(fast);
  const rs = new Float64Array(slow);
  let sf = 0;
  let ss = 0;
  let pf = 0;
  let ps = 0;
  let cash = capital;
  let qty = 0;
  let want = 0; // > 0: buy this many at the next open; < 0: sell all at the next open
  let prevDiff = Number.NaN;
  let trades = 0;
  for (let i = 0; i < n; i++) {
    if (want > 0) {
      const price = open[i]!;
      let q = want;
      const afford = cash / (price * (1 + fee));
      if (q >= afford) q = afford;
      if (q > 0) {
        const cost = q * price;
        cash -= cost + cost * fee;
        qty += q;
      }
      want = 0;
    } else if (want < 0) {
      const proceeds = qty * open[i]!;
      cash += proceeds - proceeds * fee;
      qty = 0;
      trades++;
      want = 0;
    }
    const c = close[i]!;
    sf += c - rf[pf]!;
    rf[pf] = c;
    pf = pf + 1 === fast ? 0 : pf + 1;
    ss += c - rs[ps]!;
    rs[ps] = c;
    ps = ps + 1 === slow ? 0 : ps + 1;
    const diff = i >= slow - 1 ? sf / fast - ss / slow : Number.NaN;
    const prev = prevDiff;
    prevDiff = diff;
    if (diff > 0 && prev <= 0) {
      if (qty === 0 && want === 0) want = (cash + qty * c) / c;
    } else if (diff < 0 && prev >= 0 && qty > 0) want = -1;
  }
  if (qty > 0) {
    const proceeds = qty * close[n - 1]!;
    cash += proceeds - proceeds * fee;
    qty = 0;
    trades++;
  }
  return { trades, finalEquity: cash };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export const backtest: Benchmark = {
  name: 'backtest',
  async run(ctx) {
    const bars = syntheticBars(CANDLES);
    const engineRuns: number[] = [];
    const loopRuns: number[] = [];
    let agree = true;
    let detail = '';
    for (let r = -1; r < ROUNDS; r++) {
      let t0 = performance.now();
      const bt = runBacktest({
        strategy: new SmaCross(FAST, SLOW),
        symbol: 'SYN',
        bars,
        initialCapital: CAPITAL,
        feeRate: FEE,
        barMs: 60_000,
      });
      const engineS = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const ref = handWrittenLoop(bars, FAST, SLOW, FEE, CAPITAL);
      const loopS = (performance.now() - t0) / 1000;
      const same =
        bt.metrics.trades === ref.trades &&
        Math.abs(bt.metrics.finalEquity - ref.finalEquity) <= 1e-9 * Math.abs(ref.finalEquity);
      if (!same) {
        agree = false;
        detail = `engine ${bt.metrics.trades} trades, final ${bt.metrics.finalEquity}; loop ${ref.trades}, ${ref.finalEquity}`;
      } else detail = `${ref.trades} trades, final equity ${ref.finalEquity.toPrecision(8)} in both`;
      if (r < 0) continue; // warm-up round
      engineRuns.push(CANDLES / engineS);
      loopRuns.push(CANDLES / loopS);
    }
    const value = median(engineRuns);
    const ref = median(loopRuns);
    const ratio = value / ref;
    ctx.log(
      `engine ${formatNumber(value)} candles/s, hand-written loop ${formatNumber(ref)} (${(ratio * 100).toFixed(1)}%)`,
    );
    return [
      result({
        name: 'backtest',
        value,
        unit: 'candles/s',
        target: '>= 4,000,000 candles/s and >= 10% of the hand-written loop',
        reference: { name: 'hand-written Float64Array loop, same trades', value: ref, unit: 'candles/s' },
        pass: agree && value >= TARGET && ratio >= TARGET_RATIO,
        notes: [
          `SMA(${FAST}/${SLOW}) crossover, fee ${FEE * 100}%, ${CANDLES.toLocaleString('en-US')} synthetic 1m candles, runBacktest (engine + risk + paper broker + BarClock + equity curve + metrics); median of ${ROUNDS} interleaved rounds`,
          `${(ratio * 100).toFixed(1)}% of the hand-written loop`,
          agree ? detail : `CHECK FAILED: ${detail}`,
        ],
      }),
    ];
  },
};
