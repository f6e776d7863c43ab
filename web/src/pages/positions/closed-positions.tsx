/** Closed positions, newest first, a page at a time: realised PnL (money and %), close price and why it closed. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, describeError, type Page } from '../../api/client';
import type { Position } from '../../api/types';
import { decMul } from '../../components/decimal-sum';
import { fmtMoney, fmtNum, fmtShare, signClass } from '../../components/format';

const PAGE = 20;
export const CLOSE_REASONS: Record<string, string> = {
  manual: 'closed by hand',
  take_profit: 'take profit reached',
  stop_loss: 'stop loss reached',
  trailing_stop: 'trailing stop reached',
  leader_exit: 'the leader sold',
};

export function ClosedPositions({ refreshKey }: { refreshKey: number }) {
  const [items, setItems] = useState<Position[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (after: string | null) => {
    try {
      const page = await api<Page<Position>>(
        `/positions?status=closed&limit=${PAGE}${after ? `&cursor=${encodeURIComponent(after)}` : ''}`,
      );
      setItems((prev) => (after ? [...prev, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setDone(page.nextCursor === null);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    }
  }, []);
  useEffect(() => void load(null), [load, refreshKey]);

  return (
    <section class="panel closed-positions" aria-labelledby="closed-title">
      <h2 id="closed-title">Closed positions</h2>
      {error && (
        <p class="error" role="alert">
          Closed positions could not be loaded: {error}
        </p>
      )}
      {items.length === 0 && !error ? (
        <p class="hint">None closed yet.</p>
      ) : (
        <table class="data-table cards">
          <thead>
            <tr>
              <th scope="col">Market</th>
              <th scope="col" class="num">
                Size
              </th>
              <th scope="col" class="num">
                Entry → close
              </th>
              <th scope="col" class="num">
                Realised PnL
              </th>
              <th scope="col">Why</th>
              <th scope="col">Closed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id} data-closed-id={p.id}>
                <th scope="row" data-label="Market">
                  {p.market?.question ?? p.symbol} <span class="hint">{p.outcome ?? p.side}</span>
                </th>
                <td class="num" data-label="Size">
                  {fmtNum(p.size, 6)}
                </td>
                <td class="num" data-label="Entry → close">
                  {fmtNum(p.entryPrice, 6)} → {fmtNum(p.closePrice, 6)}
                </td>
                <td class={`num ${signClass(p.realizedPnl)}`} data-label="Realised PnL">
                  {fmtMoney(p.realizedPnl)}{' '}
                  <span class="hint">{fmtShare(p.realizedPnl, decMul(p.size, p.entryPrice))}</span>
                </td>
                <td data-label="Why">{CLOSE_REASONS[p.closeReason ?? ''] ?? p.closeReason}</td>
                <td data-label="Closed">{p.closedAt ? new Date(p.closedAt).toLocaleString() : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!done && items.length > 0 && (
        <button type="button" class="secondary more" onClick={() => void load(cursor)}>
          Show older
        </button>
      )}
    </section>
  );
}
