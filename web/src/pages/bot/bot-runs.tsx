/** The signal bot's last runs (GET /pipeline/runs): when, outcome, each stage's time, what it found and did. */

import type { BotRun } from '../../api/types';
import { useEndpoint } from '../../api/use-endpoint';
import { fmtAgo, fmtNum } from '../../components/format';

export const STAGES = ['scout', 'analysis', 'decision', 'execution'];

export function BotRuns() {
  const runs = useEndpoint<{ items: BotRun[] }>('/pipeline/runs?limit=10', 5000);
  const items = runs.data?.items ?? [];
  return (
    <section class="panel wide" aria-labelledby="bot-runs-title">
      <h2 id="bot-runs-title">Last runs</h2>
      {runs.error && <p class="error">{runs.error}</p>}
      {items.length === 0 ? (
        <p class="hint">It has not run yet.</p>
      ) : (
        <table class="data-table cards">
          <thead>
            <tr>
              <th scope="col">Run</th>
              {STAGES.map((st) => (
                <th scope="col" class="num" key={st}>
                  {st} (ms)
                </th>
              ))}
              <th scope="col" class="num">
                Found / decided / orders
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-run-id={r.id}>
                <th scope="row">
                  #{r.id} {fmtAgo(r.startedAt)}{' '}
                  <span class={r.status === 'failed' ? 'error' : 'hint'}>{r.status}</span>
                  {r.error && <span class="field-error">{r.error}</span>}
                </th>
                {STAGES.map((st) => (
                  <td class="num" key={st} data-label={`${st} (ms)`}>
                    {r.stages[st] === undefined ? '—' : fmtNum(r.stages[st], 1)}
                  </td>
                ))}
                <td class="num" data-label="Found / decided / orders">
                  {r.candidates} / {r.decisions} / {r.orders}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
