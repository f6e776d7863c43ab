/**
 * The bot's model stages on the Bot page: which stages ask a model and what
 * they spent (status), the latest calls of the call log (GET
 * /pipeline/model-calls: stage, model, outcome, tokens, latency, cost, when),
 * and, for a decision, who decided it and why the model was not followed.
 */
import type { Page } from '../../api/client';
import type { BotDecision, BotModelCall, BotModels } from '../../api/types';
import { useEndpoint } from '../../api/use-endpoint';
import { fmtAgo, fmtNum } from '../../components/format';

const stageSetting = (mode: string, model: string | null) =>
  mode === 'rules' ? 'rules' : `${mode} (${model ?? 'no model'})`;

/** Provider failures in red, calls skipped before any request (budget, Retry-After) muted. */
const outcomeClass = (outcome: string) =>
  outcome === 'ok' ? '' : outcome.startsWith('skipped') ? 'hint' : 'error';

export function BotModelCalls({ models }: { models: BotModels | undefined }) {
  const calls = useEndpoint<Page<BotModelCall>>('/pipeline/model-calls?limit=20', 5000);
  const items = calls.data?.items ?? [];
  return (
    <section class="panel wide" aria-labelledby="bot-models-title">
      <h2 id="bot-models-title">Model calls</h2>
      {models ? (
        <p data-testid="bot-models">
          Analyst: {stageSetting(models.analyst, models.analystModel)} · Decider:{' '}
          {stageSetting(models.decider, models.deciderModel)} · {fmtNum(models.callsLastHour, 0)} calls in the
          last hour · {fmtNum(models.tokensToday, 0)} tokens today
        </p>
      ) : (
        <p class="hint" data-testid="bot-models">
          No model stages: the rules analyse and decide (PIPELINE_ANALYST and PIPELINE_DECIDER are rules).
        </p>
      )}
      {calls.error && <p class="error">{calls.error}</p>}
      {items.length === 0 ? (
        <p class="hint">No model calls yet.</p>
      ) : (
        <table class="data-table cards inline-cells">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Stage</th>
              <th scope="col">Model</th>
              <th scope="col">Outcome</th>
              <th scope="col" class="num">
                Tokens in / out
              </th>
              <th scope="col" class="num">
                Latency (ms)
              </th>
              <th scope="col" class="num">
                Cost (USD)
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-call-id={c.id}>
                <td data-label="When" title={c.createdAt}>
                  {fmtAgo(c.createdAt)}
                </td>
                <th scope="row" data-label="Stage">
                  {c.stage} <span class="hint">{c.symbol}</span>
                </th>
                <td data-label="Model">{c.model}</td>
                <td data-label="Outcome">
                  <span class={outcomeClass(c.outcome)}>{c.outcome}</span>
                  {c.detail && <span class="why hint">{c.detail}</span>}
                </td>
                <td class="num" data-label="Tokens in / out">
                  {fmtNum(c.tokensIn, 0)} / {fmtNum(c.tokensOut, 0)}
                </td>
                <td class="num" data-label="Latency (ms)">
                  {fmtNum(c.latencyMs, 0)}
                </td>
                <td class="num" data-label="Cost (USD)">
                  {c.cost ?? 'no price'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const DECIDERS: Record<BotDecision['decidedBy'], string> = {
  ai: 'the model',
  both: 'the rules, under the model’s veto',
  rules: 'the rules',
};

/** Who decided a decision, and why the model was not followed when it was not. */
export function DecidedBy({ d }: { d: Pick<BotDecision, 'decidedBy' | 'modelNote'> }) {
  return (
    <>
      {DECIDERS[d.decidedBy] ?? d.decidedBy}
      {d.modelNote && <span class="why hint">{d.modelNote}</span>}
    </>
  );
}
