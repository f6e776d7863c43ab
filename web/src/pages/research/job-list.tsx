/** The jobs table: type, status, a progress bar each, and a button to show a finished job's result. */
import { api } from '../../api/client';
import type { Job } from '../../api/types';
import { ProgressBar } from '../../components/progress-bar';
import { jobParams } from './job-params';
import { isActive } from './use-jobs';

/** The run's parameters in one line: "sma-cross fast 10, slow 50 · SPX 1d 2000-01-01 → 2020-12-31". */
function paramsText(p: Record<string, unknown>): string {
  const inner = p['params'];
  const strategyParams =
    inner && typeof inner === 'object'
      ? Object.entries(inner as Record<string, unknown>)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ')
      : '';
  const head = [p['strategy'] ?? p['method'], strategyParams].filter(Boolean).join(' ');
  const range =
    p['from'] && p['to'] ? `${String(p['from']).slice(0, 10)} → ${String(p['to']).slice(0, 10)}` : '';
  const data = [p['symbol'], p['timeframe'], range].filter(Boolean).join(' ');
  const mc = p['paths'] ? `${String(p['paths'])} paths` : '';
  return [head, data, mc].filter(Boolean).join(' · ');
}

export function JobList({
  jobs,
  shown,
  onShow,
}: {
  jobs: Job[];
  shown: number | null;
  onShow(id: number): void;
}) {
  if (jobs.length === 0) return <p class="hint">No jobs yet.</p>;
  return (
    <div class="table-scroll">
      <table class="data-table cards jobs-table">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} data-job-id={j.id} data-status={j.status}>
              <th scope="row" class="job-what">
                #{j.id} {j.type}
                <span class="address">{paramsText(jobParams(j))}</span>
              </th>
              <td data-label="Status">
                {j.status}
                {j.error && <span class="field-error">{j.error.message}</span>}
              </td>
              <td data-label="Progress">
                <ProgressBar value={j.progress} label={`Progress of job ${j.id}`} />
              </td>
              <td class="col-actions">
                {j.status === 'succeeded' && (
                  <button
                    type="button"
                    class="small secondary"
                    aria-pressed={shown === j.id}
                    onClick={() => onShow(j.id)}
                  >
                    Show result
                  </button>
                )}
                {isActive(j) && (
                  <button
                    type="button"
                    class="small secondary"
                    onClick={() => void api(`/jobs/${j.id}`, { method: 'DELETE' }).catch(() => {})}
                  >
                    Cancel
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
