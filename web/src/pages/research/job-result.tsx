/** A finished job's result, fetched with the job: a backtest's or a Monte Carlo run's view. */
import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../../api/client';
import type { Job } from '../../api/types';
import { type BacktestResult, BacktestView } from './backtest-result';
import { type MonteCarloResult, MonteCarloView } from './montecarlo-result';

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
