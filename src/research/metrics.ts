/**
 * Performance metrics of a backtest, accumulated bar by bar (no full-length
 * equity array) plus its closed trades. Ratios are annualised with the
 * number of bars per year observed in the data (about 252 for exchange-traded
 * daily bars, 365 for crypto), with a zero risk-free rate. Figures that do
 * not exist (no loss for a profit factor, no time span for a CAGR) are null,
 * so results stay JSON.
 */
import type { TradeLog } from '../engine/trade-log.js';

const YEAR_MS = 365.25 * 86_400_000;

export interface BacktestMetrics {
  initialCapital: number;
  finalEquity: number;
  /** finalEquity / initialCapital - 1. */
  totalReturn: number;
  /** Compound annual growth rate over the first-to-last bar span. */
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  /** Largest peak-to-trough fall of equity, as a fraction of the peak (0.25 = 25%). */
  maxDrawdown: number;
  trades: number;
  /** Share of trades with a positive net PnL. */
  winRate: number | null;
  /** Gross profit / gross loss of the trades. */
  profitFactor: number | null;
  /** Share of bars that closed holding a position. */
  exposure: number;
  /** Fees paid over all closed trades. */
  fees: number;
}

/**
 * Per-bar equity statistics: returns' moments, downside, drawdown, bars in the
 * market. Fed a column at a time (`addColumn`), so the running sums live in
 * registers for a whole chunk of bars instead of being read and written back
 * on every bar.
 */
export class EquityStats {
  n = 0;
  firstTs = Number.NaN;
  lastTs = Number.NaN;
  final = 0;
  sum = 0;
  sumSq = 0;
  downSq = 0;
  peak = 0;
  maxDrawdown = 0;
  inMarket = 0;
  private readonly oneTs = new Float64Array(1);
  private readonly oneEquity = new Float64Array(1);

  constructor(readonly initialCapital: number) {
    this.final = initialCapital;
    this.peak = initialCapital;
  }

  /** Equity marked at a bar's close; `holding` when a position was open at that close. */
  add(ts: number, equity: number, holding: boolean): void {
    this.oneTs[0] = ts;
    this.oneEquity[0] = equity;
    this.addColumn(this.oneTs, 0, this.oneEquity, 1, holding ? 1 : 0);
  }

  /**
   * `count` bars at once: bar k has time `ts[tsFrom + k]` and equity
   * `equity[k]`; `heldBars` of them closed holding a position. The same as
   * `add` for each bar in turn.
   */
  addColumn(ts: Float64Array, tsFrom: number, equity: Float64Array, count: number, heldBars: number): void {
    if (count <= 0) return;
    // Read and written on every call: a branch taken only on a backtest's first call lacks type feedback.
    const first = ts[tsFrom]!;
    this.firstTs = this.n === 0 ? first : this.firstTs;
    let final = this.final;
    let sum = this.sum;
    let sumSq = this.sumSq;
    let downSq = this.downSq;
    let peak = this.peak;
    let maxDrawdown = this.maxDrawdown;
    for (let k = 0; k < count; k++) {
      const e = equity[k]!;
      const r = e / final - 1;
      final = e;
      sum += r;
      sumSq += r * r;
      // r when r < 0, else ±0 (adds nothing), NaN for NaN and +Infinity: the
      // same sum as `if (r < 0) downSq += r * r` without a branch on the sign,
      // which a noisy equity curve mispredicts on every other bar.
      const down = (r - Math.abs(r)) * 0.5;
      if (!Number.isNaN(down)) downSq += down * down;
      if (e > peak) peak = e;
      else if (peak - e > maxDrawdown * peak) maxDrawdown = (peak - e) / peak;
    }
    this.n += count;
    this.lastTs = ts[tsFrom + count - 1]!;
    this.final = final;
    this.sum = sum;
    this.sumSq = sumSq;
    this.downSq = downSq;
    this.peak = peak;
    this.maxDrawdown = maxDrawdown;
    this.inMarket += heldBars;
  }
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function computeMetrics(stats: EquityStats, trades: TradeLog): BacktestMetrics {
  const { n, initialCapital, final } = stats;
  const years = n > 1 ? (stats.lastTs - stats.firstTs) / YEAR_MS : 0;
  const mean = n > 0 ? stats.sum / n : 0;
  const variance = n > 1 ? (stats.sumSq - n * mean * mean) / (n - 1) : 0;
  const perYear = years > 0 ? (n - 1) / years : 0;
  const annual = Math.sqrt(perYear);
  const sd = Math.sqrt(Math.max(0, variance));
  const downside = n > 0 ? Math.sqrt(stats.downSq / n) : 0;
  const { wins, grossProfit, grossLoss, fees } = trades.totals;
  return {
    initialCapital,
    finalEquity: final,
    totalReturn: final / initialCapital - 1,
    cagr: years > 0 && final > 0 ? finite((final / initialCapital) ** (1 / years) - 1) : null,
    sharpe: sd > 0 && perYear > 0 ? finite((mean / sd) * annual) : null,
    sortino: downside > 0 && perYear > 0 ? finite((mean / downside) * annual) : null,
    maxDrawdown: stats.maxDrawdown,
    trades: trades.length,
    winRate: trades.length > 0 ? wins / trades.length : null,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    exposure: n > 0 ? stats.inMarket / n : 0,
    fees,
  };
}
