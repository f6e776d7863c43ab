/**
 * A finished job's result: a backtest's metrics, equity curve and drawdown
 * chart; a Monte Carlo run's distribution as a histogram (its `histogram`
 * bins when the result has them, else the percentiles it reports).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, describeError } from '../../api/client';
import type { Job } from '../../api/types';
import { fmtNum, fmtPct } from '../../components/format';
import { type Bar, Histogram } from '../../components/histogram';
import { type SeriesSpec, TimeChart } from '../../components/time-chart';
import { BacktestMetrics } from './backtest-metrics';

interface CurvePoint {
  ts: number;
  equity: number;
}
interface BacktestResult {
  metrics?: Record<string, unknown>;
  equityCurve?: CurvePoint[];
}
interface Percentiles {
  p5: number;
  p50: number;
  p95: number;
  mean: number;
}
interface MonteCarloResult {
  paths?: number;
  finalEquity?: { invariant: boolean; value?: number } & Partial<Percentiles>;
  maxDrawdown?: Percentiles;
  probabilityOfRuin?: number;
  histogram?:
    | { from: number; to: number; count: number }[]
    | { of?: 'finalEquity' | 'maxDrawdown'; bins: { from: number; to: number; count: number }[] };
}

function drawdown(curve: CurvePoint[]): { ts: number; value: number }[] {
  let peak = Number.NEGATIVE_INFINITY;
  return curve.map((p) => {
    peak = Math.max(peak, p.equity);
    return { ts: p.ts, value: peak > 0 ? -((peak - p.equity) / peak) * 100 : 0 };
  });
}

function BacktestView({ result }: { result: BacktestResult }) {
  const curve = result.equityCurve ?? [];
  const equity = useMemo(
    (): SeriesSpec[] => [
      { kind: 'line', title: 'equity', points: curve.map((p) => ({ ts: p.ts, value: p.equity })) },
    ],
    [curve],
  );
  const dd = useMemo(
    (): SeriesSpec[] => [{ kind: 'area', title: 'drawdown %', points: drawdown(curve) }],
    [curve],
  );
  return (
    <>
      {result.metrics && <BacktestMetrics metrics={result.metrics} />}
      <h3>Equity curve</h3>
      {curve.length > 0 ? (
        <TimeChart series={equity} label="Equity curve" />
      ) : (
        <p class="hint">No equity curve.</p>
      )}
      <h3>Drawdown</h3>
      {curve.length > 0 && <TimeChart series={dd} label="Drawdown, percent below the running peak" small />}
    </>
  );
}

function MonteCarloView({ result }: { result: MonteCarloResult }) {
  const bins = Array.isArray(result.histogram) ? result.histogram : result.histogram?.bins;
  const ofDrawdown = !Array.isArray(result.histogram) && result.histogram?.of === 'maxDrawdown';
  const dd = result.maxDrawdown;
  const bars: Bar[] = bins
    ? bins.map((b) => ({ label: ofDrawdown ? fmtPct(b.from) : fmtNum(b.from, 2), value: b.count }))
    : dd
      ? [
          { label: 'p5', value: dd.p5 },
          { label: 'p50', value: dd.p50 },
          { label: 'mean', value: dd.mean },
          { label: 'p95', value: dd.p95 },
        ]
      : [];
  return (
    <>
      <dl class="kv">
        <div>
          <dt>Paths</dt>
          <dd>{fmtNum(result.paths)}</dd>
        </div>
        <div>
          <dt>Probability of ruin</dt>
          <dd>{fmtPct(result.probabilityOfRuin)}</dd>
        </div>
        <div>
          <dt>Final equity (p50)</dt>
          <dd>
            {fmtNum(result.finalEquity?.invariant ? result.finalEquity.value : result.finalEquity?.p50)}
          </dd>
        </div>
      </dl>
      {bars.length > 0 && (
        <Histogram
          bars={bars}
          label={
            bins
              ? ofDrawdown
                ? 'Distribution of maximum drawdown across paths'
                : 'Distribution of final equity across paths'
              : 'Maximum drawdown across paths (percentiles)'
          }
          format={(v) => (bins ? fmtNum(v, 0) : fmtPct(v))}
        />
      )}
    </>
  );
}

export function JobResult({ id }: { id: number }) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setJob(null);
    api<Job>(`/jobs/${id}`)
      .then(setJob)
      .catch((err: unknown) => setError(describeError(err)));
  }, [id]);
  if (error) return <p class="error">{error}</p>;
  if (!job) return <p class="hint">Loading job #{id}…</p>;
  return (
    <section class="panel job-result" aria-labelledby="job-result-title">
      <h2 id="job-result-title">
        Job #{job.id}: {job.type}
      </h2>
      {job.result === null && job.resultNote ? (
        <p class="hint">{job.resultNote}</p>
      ) : job.type === 'backtest' ? (
        <BacktestView result={(job.result ?? {}) as BacktestResult} />
      ) : (
        <MonteCarloView result={(job.result ?? {}) as MonteCarloResult} />
      )}
    </section>
  );
}
