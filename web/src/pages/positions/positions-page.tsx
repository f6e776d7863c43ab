/**
 * The positions page: open one from a market; open positions with live PnL
 * (money and %) over the WebSocket stream, notional and totals, TP/SL edit,
 * close; the closed positions' history a page at a time.
 */
import { useState } from 'preact/hooks';
import { decMul, decSum } from '../../components/decimal-sum';
import { fmtMoney, fmtNum, signClass } from '../../components/format';
import { NoticeList, useNotices } from '../../components/notices';
import { ClosedPositions } from './closed-positions';
import { OpenPositionForm } from './open-position-form';
import { PositionRow } from './position-row';
import { usePositions } from './use-positions';

const STREAM_TEXT = { connecting: 'Connecting…', live: 'Live', offline: 'Offline, reconnecting' } as const;

export function PositionsPage() {
  const { positions, loading, error, stream, put } = usePositions();
  const { notices, push, dismiss } = useNotices();
  const [closedKey, setClosedKey] = useState(0);
  const open = positions.filter((p) => p.status === 'open');
  const unrealized = decSum(open.map((p) => p.unrealizedPnl));
  const notional = decSum(open.map((p) => decMul(p.size, p.currentPrice)));
  return (
    <section>
      <OpenPositionForm
        onOpened={(p) => {
          put([p]);
          push('info', `Opened ${p.symbol} ${p.outcome ?? p.side} ${p.size} at ${p.entryPrice}.`);
        }}
      />
      <NoticeList notices={notices} dismiss={dismiss} />
      <div class="toolbar">
        <p aria-live="polite">
          {loading
            ? 'Loading positions…'
            : `${open.length} open · notional ${fmtNum(notional)} · unrealised `}
          {!loading && <span class={signClass(unrealized)}>{fmtMoney(unrealized)}</span>}
        </p>
        <p class={`stream-state ${stream}`} role="status">
          Prices: {STREAM_TEXT[stream]}
        </p>
      </div>
      {error && (
        <p class="error" role="alert">
          Positions could not be loaded: {error}
        </p>
      )}
      {!loading && positions.length === 0 && !error && <p>No open positions.</p>}
      {positions.length > 0 && (
        <div class="table-scroll">
          <table class="positions-table cards">
            <thead>
              <tr>
                <th scope="col">Market</th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col" class="num">
                  Entry
                </th>
                <th scope="col" class="num">
                  Price
                </th>
                <th scope="col" class="num">
                  Notional
                </th>
                <th scope="col" class="num">
                  PnL
                </th>
                <th scope="col" colSpan={2}>
                  TP / SL
                </th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {positions.map((p) => (
                <PositionRow
                  key={p.id}
                  p={p}
                  onSaved={(saved) => {
                    put([saved]);
                    if (saved.status === 'closed') setClosedKey((k) => k + 1);
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ClosedPositions refreshKey={closedKey} />
    </section>
  );
}
