/**
 * A finished backtest: its metrics, what a model replay did (when it replayed
 * the AI decider's recorded answers), the equity curve with holding the
 * symbol instead (buy and hold, from the same candles) beside it, the
 * drawdown, and the trade list.
 */
import { useMemo } from 'preact/hooks';
import type { BacktestResult, CopyBacktestResult, CurvePoint } from '../../api/types';
import { type SeriesSpec, TimeChart } from '../../components/time-chart';
import { BacktestMetrics } from './backtest-metrics';
import { BacktestTrades } from './backtest-trades';
import { ModelReplayView } from './model-replay-summary';

function drawdown(curve: CurvePoint[]): { ts: number; value: number }[] {
  let peak = Number.NEGATIVE_INFINITY;
  return curve.map((p) => {
    peak = Math.max(peak, p.equity);
    return { ts: p.ts, value: peak > 0 ? -((peak - p.equity) / peak) * 100 : 0 };
  });
}

const line = (curve: CurvePoint[]) => curve.map((p) => ({ ts: p.ts, value: p.equity }));

/** A strategy backtest's result, or a copy backtest's (which has no buy and hold). */
export function BacktestView({ result }: { result: BacktestResult | CopyBacktestResult }) {
  const curve = result.equityCurve;
  const hold = 'buyAndHold' in result ? result.buyAndHold : undefined;
  const equity = useMemo((): SeriesSpec[] => {
    const out: SeriesSpec[] = [{ kind: 'line', title: 'strategy', points: line(curve) }];
    if (hold && hold.equityCurve.length > 0) {
      out.push({ kind: 'line', title: 'buy and hold', color: '#c2410c', points: line(hold.equityCurve) });
    }
    return out;
  }, [curve, hold]);
  const dd = useMemo(
    (): SeriesSpec[] => [{ kind: 'area', title: 'drawdown %', points: drawdown(curve) }],
    [curve],
  );
  const metrics = { ...result.metrics, ...(hold ? { buyAndHoldReturn: hold.totalReturn } : {}) };
  return (
    <>
      <BacktestMetrics metrics={metrics} />
      {'model' in result && result.model && <ModelReplayView model={result.model} />}
      <h3>Equity curve</h3>
      {curve.length > 0 ? (
        <>
          <TimeChart
            series={equity}
            label={hold ? 'Equity curve, strategy and buy and hold' : 'Equity curve'}
          />
          {hold && (
            <p class="hint chart-key">
              <span class="key strategy">Strategy</span>{' '}
              <span class="key hold">Buy and hold: all capital in at the first close, no fees</span>
            </p>
          )}
        </>
      ) : (
        <p class="hint">No equity curve.</p>
      )}
      <h3>Drawdown</h3>
      {curve.length > 0 && <TimeChart series={dd} label="Drawdown, percent below the running peak" small />}
      <h3>Trades</h3>
      <BacktestTrades trades={result.trades} />
    </>
  );
}
