/** A finished job's result, fetched with the job: a backtest's, a Monte Carlo run's, or a maintenance run's view. */
import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../../api/client';
import type { Job, JobResult as JobResultData } from '../../api/types';
import { JsonView } from '../../components/data-view';
import { BacktestView } from './backtest-result';
import { MonteCarloView } from './montecarlo-result';

/** The result's view, by what it holds. */
function ResultView({ result }: { result: NonNullable<JobResultData> }) {
  if ('paths' in result) return <MonteCarloView result={result} />;
  if ('metrics' in result) return <BacktestView result={result} />;
  return <JsonView value={result} />;
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
  // Sent as stored, so typed `unknown` by the API; its documented shape is JobResult.
  const result = job.result as JobResultData | undefined;
  return (
    <section class="panel job-result" aria-labelledby="job-result-title">
      <h2 id="job-result-title">
        Job #{job.id}: {job.type}
      </h2>
      {result ? (
        <ResultView result={result} />
      ) : (
        <p class="hint">{job.resultNote ?? `No result: the job is ${job.status.replace('_', ' ')}.`}</p>
      )}
    </section>
  );
}
