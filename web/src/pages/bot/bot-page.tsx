/**
 * The signal bot: paper or live and why, running or stopped (and whether it
 * is meant to run: it resumes after a restart), start and stop for admins,
 * the last runs with their stage timings, candidates with their scores, the
 * decisions with their reasons and who decided them (the rules or the
 * decider model), the model calls, its positions and equity.
 */
import { useState } from 'preact/hooks';
import { ApiError, api, describeError, type Page } from '../../api/client';
import type { BotDecision, BotStatus } from '../../api/types';
import { useEndpoint } from '../../api/use-endpoint';
import { fmtAgo, fmtMoney, fmtNum } from '../../components/format';
import { BotModelCalls, DecidedBy } from './bot-model-calls';
import { BotRuns, STAGES } from './bot-runs';

export function BotPage() {
  const status = useEndpoint<BotStatus>('/pipeline/status', 5000);
  const decisions = useEndpoint<Page<BotDecision>>('/pipeline/decisions?limit=20', 5000);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const s = status.data;

  const act = async (what: 'start' | 'stop') => {
    setBusy(true);
    setMessage(null);
    try {
      await api(`/pipeline/${what}`, { method: 'POST' });
      setMessage(what === 'start' ? 'Started: it also resumes after a restart.' : 'Stopped.');
    } catch (err) {
      setMessage(
        err instanceof ApiError && err.status === 403
          ? 'Only an admin can start or stop the bot.'
          : `Not ${what === 'start' ? 'started' : 'stopped'}: ${describeError(err)}`,
      );
    } finally {
      setBusy(false);
      status.reload();
      decisions.reload();
    }
  };

  if (!s)
    return (
      <p aria-live="polite">
        {status.error ? `The bot's status could not be loaded: ${status.error}` : 'Loading…'}
      </p>
    );
  return (
    <div class="panels">
      <section class="panel" aria-labelledby="bot-state-title">
        <h2 id="bot-state-title">State</h2>
        <p>
          <strong data-testid="bot-running">{s.running ? 'Running' : 'Stopped'}</strong>
          {s.runInProgress && ' · a run is in progress'} · <strong>{s.mode}</strong> mode
        </p>
        <p class="hint">
          Why {s.mode}: {s.modeReason}
        </p>
        <p>
          Strategy {s.strategy.id} on {s.timeframe} candles, a run every {Math.round(s.intervalMs / 1000)} s
          {s.startedAt ? `, started ${fmtAgo(s.startedAt)}` : ''}.
          {s.wanted.running !== s.running &&
            ` Meant to be ${s.wanted.running ? 'running' : 'stopped'} (another instance may run it).`}
        </p>
        <div class="toolbar-actions">
          <button type="button" disabled={busy || s.wanted.running} onClick={() => act('start')}>
            Start the bot
          </button>
          <button
            type="button"
            class="danger"
            disabled={busy || !s.wanted.running}
            onClick={() => act('stop')}
          >
            Stop the bot
          </button>
        </div>
        {message && <p role="status">{message}</p>}
        <dl class="kv">
          <div>
            <dt>Equity</dt>
            <dd>{fmtNum(s.account.equity)}</dd>
          </div>
          <div>
            <dt>Cash</dt>
            <dd>{fmtNum(s.account.cash)}</dd>
          </div>
          <div>
            <dt>Open positions</dt>
            <dd>{s.account.openPositions}</dd>
          </div>
          <div>
            <dt>Daily loss halt</dt>
            <dd>{s.account.haltedByDailyLoss ? 'halted until tomorrow (UTC)' : 'not halted'}</dd>
          </div>
        </dl>
        {s.lastError && (
          <p class="error">
            Last error in {s.lastError.stage} {fmtAgo(s.lastError.at)}: {s.lastError.message}
          </p>
        )}
      </section>
      <section class="panel" aria-labelledby="bot-run-title">
        <h2 id="bot-run-title">Last run</h2>
        {!s.lastRun ? (
          <p class="hint">It has not run yet.</p>
        ) : (
          <>
            <p>
              Run {s.lastRun.id}, {fmtAgo(s.lastRun.startedAt)}: <strong>{s.lastRun.status}</strong> —{' '}
              {s.lastRun.candidates} candidates, {s.lastRun.decisions} decisions, {s.lastRun.orders} orders.
            </p>
            <dl class="kv">
              {STAGES.map((st) => (
                <div key={st}>
                  <dt>{st}</dt>
                  <dd>
                    {s.lastRun!.stages[st] === undefined
                      ? 'did not run'
                      : `${fmtNum(s.lastRun!.stages[st], 1)} ms`}
                  </dd>
                </div>
              ))}
            </dl>
            {s.lastRun.error && <p class="error">{s.lastRun.error}</p>}
          </>
        )}
        <h3>Candidates</h3>
        {s.candidates.length === 0 ? (
          <p class="hint">None yet.</p>
        ) : (
          <ol class="candidates">
            {s.candidates.map((c) => (
              <li key={c.symbol}>
                {c.symbol} <span class="hint">score {fmtNum(c.score, 3)}</span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <BotRuns />
      <section class="panel wide" aria-labelledby="bot-decisions-title">
        <h2 id="bot-decisions-title">Decisions</h2>
        {(decisions.data?.items.length ?? 0) === 0 ? (
          <p class="hint">No decisions yet.</p>
        ) : (
          <table class="data-table cards">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Market</th>
                <th scope="col">Decision</th>
                <th scope="col">Why</th>
                <th scope="col">Decided by</th>
              </tr>
            </thead>
            <tbody>
              {decisions.data!.items.map((d) => (
                <tr key={d.id} data-decision-id={d.id}>
                  <td data-label="When">{fmtAgo(d.createdAt)}</td>
                  <th scope="row" data-label="Market">
                    {d.symbol}
                  </th>
                  <td data-label="Decision">
                    {d.action}
                    {Number(d.qty) > 0 ? ` ${fmtNum(d.qty, 6)}` : ''}
                    {d.price !== null ? ` @ ${fmtNum(d.price, 6)}` : ''}
                  </td>
                  <td data-label="Why">
                    <span class="why">
                      {d.reason}
                      {d.blockedBy ? ` (blocked by ${d.blockedBy})` : ''}
                    </span>
                  </td>
                  <td data-label="Decided by">
                    <DecidedBy d={d} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <BotModelCalls models={s.models} />
      <section class="panel" aria-labelledby="bot-positions-title">
        <h2 id="bot-positions-title">Its positions</h2>
        {s.positions.length === 0 ? (
          <p class="hint">None open.</p>
        ) : (
          <ul class="activity">
            {s.positions.map((p) => (
              <li key={p.symbol}>
                {p.symbol} {fmtNum(p.qty, 6)} @ {fmtNum(p.entryPrice, 6)} · mark {fmtNum(p.mark, 6)} · PnL{' '}
                {fmtMoney(p.unrealizedPnl)}
                {p.pending && ' · order working'}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
