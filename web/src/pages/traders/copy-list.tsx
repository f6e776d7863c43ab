/** The latest copy decisions (all traders, or one): status, reason, sizes and price, updating live. */
import type { StreamState } from '../../api/stream';
import type { CopyDecision } from '../../api/types';
import { fmtNum } from '../../components/format';
import type { TraderCopies } from './use-copies';

const SHOWN = 50;

const STREAM_TEXT: Record<StreamState, string> = {
  connecting: 'connecting…',
  live: 'Live',
  offline: 'offline',
};

/** `too_old` -> `too old`. */
export const reasonText = (r: string | null): string => (r ? r.replace(/_/g, ' ') : '');

/** One line about a decision: `copied buy 1.99 LTC/USDT @ 25.09` or `skipped (too old) sell ETH/USDT`. */
export function decisionText(c: CopyDecision): string {
  return c.status === 'copied'
    ? `copied ${c.side} ${fmtNum(c.size, 4)} ${c.market} @ ${fmtNum(c.price, 6)}`
    : `skipped (${reasonText(c.reason)}) ${c.side} ${c.market}`;
}

/** The Copies cell of a trader row: counts and the latest decision. */
export function CopiesCell({
  copies,
  name,
  onShow,
}: {
  copies?: TraderCopies;
  name: string;
  onShow(): void;
}) {
  if (!copies) return <span class="hint">none yet</span>;
  const last = copies.latest[0];
  return (
    <button type="button" class="cell-button copies-cell" onClick={onShow} aria-label={`Copies of ${name}`}>
      <span class="copy-counts">
        <span class="up">{copies.copied} copied</span> · <span>{copies.skipped} skipped</span>
      </span>
      {last && (
        <span class={`copy-last ${last.status}`} title={last.sourceTradeId}>
          {decisionText(last)}
        </span>
      )}
    </button>
  );
}

export function CopyList({
  decisions,
  names,
  stream,
  error,
  traderName,
  onAll,
}: {
  decisions: CopyDecision[];
  names: ReadonlyMap<number, string>;
  stream: StreamState;
  error: string | null;
  /** Set when the list shows one trader's decisions. */
  traderName?: string;
  onAll(): void;
}) {
  const shown = decisions.slice(0, SHOWN);
  return (
    <section class="copy-list panel" aria-labelledby="copy-list-title">
      <div class="toolbar">
        <h2 id="copy-list-title">
          Copy decisions{traderName ? ` of ${traderName}` : ''}{' '}
          <span class={`stream-state hint ${stream}`}>{STREAM_TEXT[stream]}</span>
        </h2>
        {traderName && (
          <button type="button" class="small secondary" onClick={onAll}>
            All traders
          </button>
        )}
      </div>
      {error && (
        <p class="error" role="alert">
          Copy decisions could not be loaded: {error}
        </p>
      )}
      {shown.length === 0 ? (
        <p class="hint">No copy decisions yet: they appear here as followed leaders trade.</p>
      ) : (
        <div class="table-scroll copy-scroll">
          <table class="data-table copies-table">
            <thead>
              <tr>
                <th scope="col">Decided</th>
                <th scope="col">Trader</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Side</th>
                <th scope="col">Market</th>
                <th scope="col" class="num">
                  Leader size
                </th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col" class="num">
                  Price
                </th>
                <th scope="col" class="num">
                  Latency
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.id} data-copy-id={c.id} data-status={c.status}>
                  <td>{new Date(c.decidedAt).toLocaleTimeString()}</td>
                  <td>{names.get(c.traderId) ?? `#${c.traderId}`}</td>
                  <td>
                    <span class={`badge ${c.status}`}>{c.status}</span>
                  </td>
                  <td>
                    {reasonText(c.reason)}
                    {c.reducedBy && <span class="hint"> reduced by {reasonText(c.reducedBy)}</span>}
                  </td>
                  <td class={c.side === 'buy' ? 'up' : 'down'}>{c.side}</td>
                  <td>
                    {c.market}
                    {c.outcomeIndex !== null && ` #${c.outcomeIndex}`}
                  </td>
                  <td class="num">{fmtNum(c.leaderSize, 4)}</td>
                  <td class="num">{fmtNum(c.size, 4)}</td>
                  <td class="num">{fmtNum(c.price, 6)}</td>
                  <td class="num">{c.latencyMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
