/**
 * The research page: backtest and Monte Carlo forms, the job list with
 * progress bars, and the chosen job's charts. Says "research API
 * unavailable" when the server has no /strategies or /jobs.
 */
import { useState } from 'preact/hooks';
import type { Strategy } from '../../api/types';
import { useEndpoint } from '../../api/use-endpoint';
import { BacktestForm } from './backtest-form';
import { JobList } from './job-list';
import { JobResult } from './job-result';
import { MonteCarloForm } from './montecarlo-form';
import { useJobs } from './use-jobs';

export function ResearchPage() {
  const strategies = useEndpoint<{ items: Strategy[] }>('/strategies');
  const { jobs, error, missing, reload } = useJobs();
  const [shown, setShown] = useState<number | null>(null);

  if (strategies.missing || missing) {
    return (
      <p class="panel" role="status">
        Research API unavailable: this server does not offer backtests and Monte Carlo jobs yet.
      </p>
    );
  }
  const submitted = () => void reload();
  const backtests = jobs.filter((j) => j.type === 'backtest' && j.status === 'succeeded');
  return (
    <div class="research">
      <div class="panels">
        <section class="panel">
          {strategies.data ? (
            <BacktestForm strategies={strategies.data.items} onSubmitted={submitted} />
          ) : (
            <p class="hint">{strategies.error ?? 'Loading strategies…'}</p>
          )}
        </section>
        <section class="panel">
          <MonteCarloForm backtests={backtests} onSubmitted={submitted} />
        </section>
      </div>
      <section aria-labelledby="jobs-title">
        <h2 id="jobs-title">Jobs</h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <JobList jobs={jobs} shown={shown} onShow={setShown} />
      </section>
      {shown !== null && <JobResult key={shown} id={shown} />}
    </div>
  );
}
