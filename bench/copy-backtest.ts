/**
 * "What if I had copied" speed: a copy backtest of a leader with 10,000
 * trades over one year of 1h candles, end to end through `runCopyBacktest`
 * (the leader's history paged from its source, the venue's markets and
 * candles loaded, the replay through the copy planner with fixed sizing,
 * stop-loss, take-profit and a trailing stop, the metrics and the curve),
 * against an SMA(10/50) backtest of the same candles through
 * `runBacktestRequest` (the same candle load, the engine). The leader's
 * trades sit in memory (a source answering at once), so the figure is ours,
 * not an upstream's. Median of interleaved rounds.
 */
import { systemClock } from '../src/domain/clock.js';
import { decimal } from '../src/domain/decimal.js';
import { Rng } from '../src/lib/random.js';
import {
  loadBars,
  parseBacktestRequest,
  parseCopyBacktestRequest,
  runBacktestRequest,
  runCopyBacktest,
} from '../src/research/index.js';
import type { LeaderSource, LeaderTrade } from '../src/venues/leader-source.js';
import { SimulatedVenue } from '../src/venues/simulated/simulated-venue.js';
import type { Benchmark } from './lib/context.js';
import { result } from './lib/result.js';

const TRADES = 10_000;
const FROM = '2025-01-01';
const TO = '2025-12-31';
const SYMBOL = 'BTC/USDT';
const ROUNDS = 5;
const TARGET_S = 2;

/** A leader source holding its trades in memory: cursors are indexes. */
function memorySource(trades: LeaderTrade[]): LeaderSource {
  const firstAt = (ts: number) => {
    let lo = 0;
    let hi = trades.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (trades[mid]!.ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return {
    capabilities: {
      id: 'simulated',
      push: false,
      pollIntervalMs: 1000,
      maxPageSize: 1000,
      addressForm: 'any',
    },
    addressProblem: () => null,
    currentCursor: async () => String(trades.length),
    cursorAt: (_a, ts) => String(firstAt(ts)),
    tradesAfter: async (_a, cursor, limit) => {
      const i = Number(cursor);
      const page = trades.slice(i, i + limit);
      return { trades: page, cursor: String(i + page.length) };
    },
    leaders: async () => [],
    recentTrades: async () => [],
    equity: async () => null,
  };
}

/** 10,000 trades spread over the year: runs of buys, then a partial or full sell, at the hour's close. */
async function leaderTrades(venue: SimulatedVenue): Promise<LeaderTrade[]> {
  const from = Date.parse(FROM);
  const bars = await loadBars(venue, SYMBOL, '1h', from, Date.parse(TO) + 86_400_000);
  const rng = new Rng(11);
  const span = bars.ts[bars.length - 1]! - from;
  const out: LeaderTrade[] = [];
  let held = 0;
  for (let k = 0; k < TRADES; k++) {
    const ts = Math.floor(from + ((k + rng.next()) / TRADES) * span);
    const bar = Math.min(bars.length - 1, Math.floor((ts - from) / 3_600_000));
    const sell = held > 0 && rng.next() < 0.45;
    const size = sell ? (rng.next() < 0.5 ? held : held / 2) : 0.01 + rng.next() * 0.05;
    held = sell ? held - size : held + size;
    out.push({
      id: `t${k}`,
      ts,
      side: sell ? 'sell' : 'buy',
      market: SYMBOL,
      outcomeIndex: null,
      size: decimal(size.toFixed(8)),
      price: decimal(bars.close[bar]!.toPrecision(10)),
    });
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export const copyBacktest: Benchmark = {
  name: 'copy-backtest',
  async run(ctx) {
    const venue = new SimulatedVenue(systemClock, {
      seed: 1,
      rateLimit: { requestsPerSecond: 1e9, burst: 1e9 },
    });
    const source = memorySource(await leaderTrades(venue));
    const copyReq = parseCopyBacktestRequest(
      {
        kind: 'copy',
        source: 'simulated',
        address: 'bench-leader',
        from: FROM,
        to: TO,
        initialCapital: 10_000,
        followOptions: {
          copyMode: 'fixed',
          fixedAmount: '50',
          stopLossPct: '5',
          takeProfitPct: '10',
          trailingStopPct: '3',
        },
      },
      { venues: ['simulated'] },
    );
    const smaReq = parseBacktestRequest({
      strategy: 'sma-cross',
      params: { fast: 10, slow: 50 },
      venue: 'simulated',
      symbol: SYMBOL,
      timeframe: '1h',
      from: FROM,
      to: TO,
      feeRate: 0.001,
      initialCapital: 10_000,
    });
    const copyRuns: number[] = [];
    const smaRuns: number[] = [];
    let detail = '';
    for (let r = -1; r < ROUNDS; r++) {
      let t0 = performance.now();
      const copy = await runCopyBacktest(copyReq, source, venue);
      const copyS = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const sma = await runBacktestRequest(smaReq, venue);
      const smaS = (performance.now() - t0) / 1000;
      detail = `${copy.leaderTrades} leader trades -> ${copy.copied.length} copied, ${copy.skipped.length} skipped, ${copy.metrics.trades} closed copies, ${copy.bars} bars; sma-cross ${sma.bars} bars, ${sma.metrics.trades} trades`;
      if (r < 0) continue;
      copyRuns.push(copyS);
      smaRuns.push(smaS);
    }
    const value = median(copyRuns);
    const ref = median(smaRuns);
    ctx.log(
      `copy backtest ${value.toFixed(3)} s, sma-cross on the same candles ${ref.toFixed(3)} s; ${detail}`,
    );
    return [
      result({
        name: 'copy-backtest',
        value,
        unit: 's',
        target: '<= 2 s for 10,000 leader trades over 1 year of 1h candles',
        reference: { name: 'sma-cross backtest, same candles (runBacktestRequest)', value: ref, unit: 's' },
        pass: value <= TARGET_S && copyRuns.length === ROUNDS,
        notes: [
          `runCopyBacktest end to end (history paged from an in-memory source, markets and ${SYMBOL} 1h candles ${FROM}..${TO} from the simulated venue, replay through the copy planner: fixed 50, SL 5%, TP 10%, trailing 3%, fee 0.1%, slippage 0.05%); median of ${ROUNDS} interleaved rounds`,
          detail,
        ],
      }),
    ];
  },
};
