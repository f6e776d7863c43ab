/** A backtest's metrics with their names in words; returns, drawdown, win rate and exposure as percentages. */
import { fmtNum } from '../../components/format';

type Kind = 'money' | 'pct' | 'ratio' | 'count';

const METRICS: [key: string, label: string, kind: Kind][] = [
  ['totalReturn', 'Total return', 'pct'],
  ['buyAndHoldReturn', 'Buy and hold return', 'pct'],
  ['cagr', 'Yearly return (CAGR)', 'pct'],
  ['maxDrawdown', 'Largest drawdown', 'pct'],
  ['winRate', 'Winning trades', 'pct'],
  ['exposure', 'Time in the market', 'pct'],
  ['sharpe', 'Sharpe ratio', 'ratio'],
  ['sortino', 'Sortino ratio', 'ratio'],
  ['profitFactor', 'Profit factor (gains ÷ losses)', 'ratio'],
  ['trades', 'Trades', 'count'],
  ['initialCapital', 'Starting capital', 'money'],
  ['finalEquity', 'Final equity', 'money'],
  ['fees', 'Fees paid', 'money'],
];

function show(v: unknown, kind: Kind): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (kind === 'pct') return `${fmtNum(v * 100, 2)} %`;
  if (kind === 'ratio') return fmtNum(v, 2);
  if (kind === 'count') return fmtNum(v, 0);
  return fmtNum(v, 2);
}

export function BacktestMetrics({ metrics }: { metrics: Record<string, unknown> }) {
  const known = new Set(METRICS.map(([k]) => k));
  const others = Object.entries(metrics).filter(([k, v]) => !known.has(k) && typeof v === 'number');
  return (
    <dl class="kv backtest-metrics">
      {METRICS.filter(([k]) => k in metrics).map(([k, label, kind]) => (
        <div key={k}>
          <dt>{label}</dt>
          <dd data-metric={k}>{show(metrics[k], kind)}</dd>
        </div>
      ))}
      {others.map(([k, v]) => (
        <div key={k}>
          <dt>{k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}</dt>
          <dd>{fmtNum(v as number, 3)}</dd>
        </div>
      ))}
    </dl>
  );
}
