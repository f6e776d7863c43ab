/** The Home page's panels: money, open positions, copy activity, the signal bot, alerts. */
import type { Overview } from '../../api/types';
import { fmtAgo, fmtMoney, fmtNum, fmtShare, signClass } from '../../components/format';
import { linkClick } from '../../router';
import { reasonText } from '../traders/copy-list';

function Money({ v }: { v: string | number }) {
  return <span class={signClass(v)}>{fmtMoney(v)}</span>;
}

export function MoneyPanel({ o }: { o: Overview }) {
  const windows = [
    ['Today', o.pnl.today],
    ['Last 7 days', o.pnl.last7Days],
    ['Last 30 days', o.pnl.last30Days],
    ['All time', o.pnl.allTime],
  ] as const;
  return (
    <section class="panel money" aria-labelledby="money-title">
      <h2 id="money-title">Equity</h2>
      <p class="big-figure" data-testid="equity-total">
        {fmtNum(o.equity.total)}
      </p>
      <p class="hint">
        Paper balance {fmtNum(o.equity.balance)} + open positions {fmtNum(o.equity.openValue)} (started at{' '}
        {fmtNum(o.equity.initialBalance)})
      </p>
      <dl class="kv pnl-windows">
        {windows.map(([label, w]) => (
          <div key={label}>
            <dt>{label} (realised, net of fees)</dt>
            <dd>
              <Money v={w.realizedPnl} />{' '}
              <span class="hint">
                {w.closedPositions} closed{w.closedPositions ? `, ${w.wins} won` : ''}
              </span>
            </dd>
          </div>
        ))}
        <div>
          <dt>Open now (unrealised)</dt>
          <dd>
            <Money v={o.pnl.unrealizedPnl} />
          </dd>
        </div>
      </dl>
    </section>
  );
}

export function OpenPositionsPanel({ o }: { o: Overview }) {
  const { openPositions: op } = o;
  return (
    <section class="panel" aria-labelledby="open-title">
      <h2 id="open-title">
        Open positions <span class="hint">({op.count})</span>
      </h2>
      <p>
        Notional {fmtNum(op.notional)} · unrealised <Money v={op.unrealizedPnl} />
      </p>
      {op.items.length === 0 ? (
        <p class="hint">No open positions.</p>
      ) : (
        <table class="data-table cards">
          <thead>
            <tr>
              <th scope="col">Market</th>
              <th scope="col" class="num">
                Size
              </th>
              <th scope="col" class="num">
                PnL
              </th>
            </tr>
          </thead>
          <tbody>
            {op.items.map((p) => (
              <tr key={p.id}>
                <th scope="row" data-label="Market">
                  {p.title}
                  <span class="hint"> {p.outcome ?? p.side}</span>
                </th>
                <td class="num" data-label="Size">
                  {fmtNum(p.size, 6)} @ {fmtNum(p.entryPrice, 6)}
                </td>
                <td class="num" data-label="PnL">
                  <Money v={p.unrealizedPnl} />{' '}
                  <span class="hint">{fmtShare(p.unrealizedPnl, Number(p.size) * Number(p.entryPrice))}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="more">
        <a href="/positions" onClick={linkClick}>
          All positions
        </a>
      </p>
    </section>
  );
}

export function CopyActivityPanel({ o }: { o: Overview }) {
  const items = o.copies.items;
  return (
    <section class="panel" aria-labelledby="copies-title">
      <h2 id="copies-title">Copy activity</h2>
      {items.length === 0 ? (
        <p class="hint">
          No copies yet. Follow a leader on{' '}
          <a href="/discover" onClick={linkClick}>
            Discover
          </a>
          .
        </p>
      ) : (
        <ul class="activity">
          {items.map((c) => (
            <li key={c.id}>
              <span class={`badge ${c.status}`}>{c.status}</span> {c.side} {c.market}{' '}
              {c.status === 'copied' ? (
                <span>
                  {fmtNum(c.size, 6)} @ {fmtNum(c.price, 6)}
                </span>
              ) : (
                <span class="hint">{reasonText(c.reason)}</span>
              )}{' '}
              <span class="hint">{fmtAgo(c.decidedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function BotPanel({ o }: { o: Overview }) {
  const b = o.bot;
  return (
    <section class="panel" aria-labelledby="bot-title">
      <h2 id="bot-title">Signal bot</h2>
      <p>
        <strong data-testid="bot-state">{b.running ? 'Running' : 'Stopped'}</strong> · {b.mode} mode ·{' '}
        {b.strategy}
      </p>
      <p class="hint">{b.modeReason}</p>
      <p>
        {b.lastRun
          ? `Last run ${fmtAgo(b.lastRun.startedAt)}: ${b.lastRun.status}, ${b.lastRun.candidates} candidates, ${b.lastRun.decisions} decisions, ${b.lastRun.orders} orders.`
          : 'It has not run yet.'}{' '}
        Equity {fmtNum(b.equity)}, {b.openPositions} open.
      </p>
      {b.lastError && (
        <p class="error">
          Last error in {b.lastError.stage}: {b.lastError.message}
        </p>
      )}
      <p class="more">
        <a href="/bot" onClick={linkClick}>
          Bot details
        </a>
      </p>
    </section>
  );
}

export function AlertsPanel({ o }: { o: Overview }) {
  return (
    <section class="panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {o.alerts.length === 0 ? (
        <p>Nothing needs attention.</p>
      ) : (
        <ul class="alerts">
          {o.alerts.map((a) => (
            <li key={a.id} class="error">
              {a.message} <span class="hint">(since {fmtAgo(a.since)})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
