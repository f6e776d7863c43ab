/**
 * The backtest runner: drives the engine (strategy, risk, paper broker) over
 * historical bars with a BarClock set to each bar's close, through the very
 * `Engine.run` whose one-bar form, `step`, live and paper trading call. It
 * only adds what a backtest needs around that loop: the equity curve,
 * progress, cancellation, the metrics, and holding the symbol instead as the
 * benchmark to beat. The engine records each bar's equity into a chunk
 * column; the stats and curves take a chunk at a time.
 *
 * Synchronous and CPU-bound: run it in a worker. Progress is reported and
 * the AbortSignal checked every `checkEvery` bars.
 */
import { BarClock } from '../engine/bar-clock.js';
import type { Bars } from '../engine/bars.js';
import { type BarTape, Engine } from '../engine/engine.js';
import { PaperBroker } from '../engine/paper-broker.js';
import { type RiskLimits, RiskManager } from '../engine/risk.js';
import type { Strategy } from '../engine/strategy.js';
import type { Trade } from '../engine/trade-log.js';
import { type CurvePoint, CurveSampler } from './curve-sampler.js';
import { type BacktestMetrics, computeMetrics, EquityStats } from './metrics.js';

/** Bars per pass of the stats and curves over the recorded equity. */
const CHUNK = 1024;

export interface BacktestConfig {
  strategy: Strategy;
  symbol: string;
  bars: Bars;
  initialCapital: number;
  /** @default 0 */
  feeRate?: number;
  /** @default 0 */
  slippageBps?: number;
  /** @default 0 (no cap) */
  maxVolumeFraction?: number;
  risk?: Partial<RiskLimits>;
  /** Bar length: the clock reads `ts + barMs` (the bar's close) while the bar is processed. @default 0 */
  barMs?: number;
  /** Close a position still open after the last bar at its close (exit reason `end`). @default true */
  closeAtEnd?: boolean;
  /** Most points of the returned equity curve. @default 2000 */
  curvePoints?: number;
  /** Called with 0..100 as bars are processed. */
  onProgress?: (percent: number) => void;
  /** Checked every `checkEvery` bars; an aborted signal throws its reason. */
  signal?: AbortSignal;
  /** @default 65536 */
  checkEvery?: number;
}

export interface BacktestResult {
  metrics: BacktestMetrics;
  trades: Trade[];
  /** Downsampled to at most `curvePoints` points. */
  equityCurve: CurvePoint[];
  bars: number;
  /** Per-trade net returns, e.g. for Monte Carlo. */
  tradeReturns: number[];
  buyAndHold: BuyAndHold;
}

/**
 * Holding the symbol instead, from the same candles: the whole capital
 * bought at the first bar's close and valued at every close, without fees or
 * slippage (the plain benchmark a strategy has to beat).
 */
export interface BuyAndHold {
  /** Last close / first close - 1; null when there are no bars or the first close is not a price. */
  totalReturn: number | null;
  /** Its equity at each close, sampled like `equityCurve` (at most `curvePoints` points). */
  equityCurve: CurvePoint[];
}

/**
 * @example
 * const { metrics } = runBacktest({ strategy: smaCross.create({ fast: 10, slow: 50 }), symbol: 'SPX', bars, initialCapital: 10_000, feeRate: 0.001 });
 */
export function runBacktest(cfg: BacktestConfig): BacktestResult {
  const bars = cfg.bars;
  const n = bars.length;
  const ts = bars.ts;
  const barMs = cfg.barMs ?? 0;
  const clock = new BarClock(n > 0 ? ts[0]! : 0);
  const broker = new PaperBroker({
    initialCash: cfg.initialCapital,
    feeRate: cfg.feeRate ?? 0,
    slippageBps: cfg.slippageBps ?? 0,
    maxVolumeFraction: cfg.maxVolumeFraction ?? 0,
  });
  const risk = new RiskManager(cfg.risk ?? {}, clock);
  const engine = new Engine({ symbol: cfg.symbol, bars, strategy: cfg.strategy, broker, risk, clock });
  const stats = new EquityStats(cfg.initialCapital);
  const curve = new CurveSampler(n, cfg.curvePoints ?? 2000);
  const close = bars.close;
  const firstClose = n > 0 ? close[0]! : 0;
  const held = firstClose > 0 ? cfg.initialCapital / firstClose : 0;
  const holdCurve = new CurveSampler(held > 0 ? n : 0, cfg.curvePoints ?? 2000);
  const closeAt = (cfg.closeAtEnd ?? true) ? n - 1 : -1;
  const every = Math.max(1, cfg.checkEvery ?? 65_536);
  const chunk = Math.min(n, CHUNK);
  const tape: BarTape = { clock, barMs, equity: new Float64Array(chunk), heldBars: 0 };
  const spans = new SpanRecorder(
    engine,
    broker,
    bars,
    tape,
    stats,
    curve,
    held > 0 ? holdCurve : undefined,
    held,
    closeAt,
  );
  for (let start = 0; start < n; start += every) {
    const end = Math.min(n, start + every);
    for (let from = start; from < end; from += CHUNK) spans.record(from, Math.min(end, from + CHUNK));
    cfg.signal?.throwIfAborted();
    cfg.onProgress?.(Math.floor((end / n) * 100));
  }
  if (n === 0) cfg.onProgress?.(100);
  const log = broker.trades;
  return {
    metrics: computeMetrics(stats, log),
    trades: log.toArray(broker.symbols()),
    equityCurve: curve.points,
    bars: n,
    tradeReturns: log.returns(),
    buyAndHold: {
      totalReturn: held > 0 ? close[n - 1]! / firstClose - 1 : null,
      equityCurve: holdCurve.points,
    },
  };
}

/**
 * Runs a span of bars through the engine, which writes each bar's equity to
 * the tape's column and counts the bars held, then hands them to the stats and
 * curves (no per-bar calls or objects). Its own method, called once per span,
 * so it is compiled early and once; the runner around it runs once per
 * backtest.
 */
class SpanRecorder {
  constructor(
    private readonly engine: Engine,
    private readonly broker: PaperBroker,
    private readonly bars: Bars,
    private readonly tape: BarTape,
    private readonly stats: EquityStats,
    private readonly curve: CurveSampler,
    private readonly holdCurve: CurveSampler | undefined,
    private readonly held: number,
    /** The bar at whose close every position is closed (-1: none). */
    private readonly closeAt: number,
  ) {}

  record(from: number, to: number): void {
    const { bars, tape, closeAt } = this;
    tape.heldBars = 0;
    this.engine.run(from, to, tape);
    if (closeAt >= from && closeAt < to) {
      this.broker.closeAll(bars, closeAt);
      tape.equity[closeAt - from] = this.broker.equity();
    }
    const count = to - from;
    this.stats.addColumn(bars.ts, from, tape.equity, count, tape.heldBars);
    this.curve.addColumn(bars.ts, from, tape.equity, 0, count);
    this.holdCurve?.addColumn(bars.ts, from, bars.close, from, count, this.held);
  }
}
