/**
 * A backtest's closed trades, a page at a time: entry and exit time (UTC),
 * side, prices, size, net PnL with its return, and why it closed. The whole
 * list comes with the job's result; paging here keeps a 10-year run's
 * thousands of rows out of the page.
 */
import { useState } from 'preact/hooks';
import type { BacktestTrade } from '../../api/types';
import { fmtChangePct, fmtMoney, fmtNum, fmtPrice, signClass, fmtUtc as utc } from '../../components/format';

const PAGE = 25;

const EXIT_REASONS: Record<string, string> = {
  signal: 'strategy signal',
  'stop-loss': 'stop loss',
  'take-profit': 'take profit',
  end: 'end of the data',
};

export function BacktestTrades({ trades }: { trades: BacktestTrade[] }) {
  const [page, setPage] = useState(0);
  if (trades.length === 0) return <p class="hint">The strategy made no trades over these bars.</p>;
  const pages = Math.ceil(trades.length / PAGE);
  const first = page * PAGE;
  const shown = trades.slice(first, first + PAGE);
  return (
    <>
      <table class="data-table cards backtest-trades">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Entry (UTC)</th>
            <th scope="col">Exit (UTC)</th>
            <th scope="col">Side</th>
            <th scope="col" class="num">
              Entry → exit price
            </th>
            <th scope="col" class="num">
              Size
            </th>
            <th scope="col" class="num">
              PnL (after fees)
            </th>
            <th scope="col">Why it closed</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((t, i) => (
            <tr key={first + i} data-trade={first + i + 1}>
              <th scope="row" data-label="Trade">
                {first + i + 1}
              </th>
              <td data-label="Entry">{utc(t.entryTs)}</td>
              <td data-label="Exit">{utc(t.exitTs)}</td>
              {/* The engine trades round trips flat -> long -> flat (src/engine/trade-log.ts). */}
              <td data-label="Side">long</td>
              <td class="num" data-label="Entry → exit price">
                {fmtPrice(t.entryPrice)} → {fmtPrice(t.exitPrice)}
              </td>
              <td class="num" data-label="Size">
                {fmtNum(t.qty, 6)}
              </td>
              <td class={`num ${signClass(t.pnl)}`} data-label="PnL" data-col="pnl">
                {fmtMoney(t.pnl)} <span class="hint">{fmtChangePct(t.return * 100)}</span>
              </td>
              <td data-label="Why">{EXIT_REASONS[t.exitReason] ?? t.exitReason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Trade pages">
        <button type="button" class="small secondary" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span aria-live="polite">
          Showing {first + 1}–{first + shown.length} of {trades.length}
        </span>
        <button
          type="button"
          class="small secondary"
          disabled={page >= pages - 1}
          onClick={() => setPage(page + 1)}
        >
          Next
        </button>
      </nav>
    </>
  );
}
