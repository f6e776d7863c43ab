/**
 * Trades: the user's orders and fills, filtered by trader, pair and status
 * (a page at a time, newest first), the profit per trader and per market,
 * and a CSV export of every order the filter selects.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { allPages, api, describeError, type Page, queryString } from '../../api/client';
import type { Order, OrderFilter, OrderStatus, Trader } from '../../api/types';
import { fmtNum } from '../../components/format';
import { NoticeList, useNotices } from '../../components/notices';
import { download, ordersCsv } from './orders-csv';
import { ProfitSummaries } from './profit-summaries';

const PAGE = 50;
/** Every order status the filter offers, in words (the compiler holds it to the server's list). */
const STATUS_WORDS: Record<OrderStatus, string> = {
  open: 'open',
  partially_filled: 'partially filled',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'rejected',
};

export function TradesPage() {
  const [traders, setTraders] = useState<Trader[]>([]);
  const [traderId, setTraderId] = useState('');
  // What is typed (kept across re-renders while answers arrive) and the filter it becomes on Enter or leaving the field.
  const [pairDraft, setPairDraft] = useState('');
  const [pair, setPair] = useState('');
  const [status, setStatus] = useState<OrderStatus | ''>('');
  const [rows, setRows] = useState<Order[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const { notices, push, dismiss } = useNotices();
  const names = useMemo(() => new Map(traders.map((t) => [t.id, t.name])), [traders]);

  useEffect(() => {
    allPages<Trader>('/traders', 5000)
      .then(setTraders)
      .catch(() => {});
  }, []);

  const query = useMemo(
    () =>
      queryString({
        traderId: traderId ? Number(traderId) : undefined,
        pair: pair.trim().toUpperCase(),
        status: status || undefined,
      } satisfies OrderFilter),
    [traderId, pair, status],
  );

  // Filters change faster than answers come back: only the answer to the
  // latest request may fill the table, or an older filter's orders replace
  // the newer one's.
  const latest = useRef(0);
  const load = useCallback(
    async (after: string | null) => {
      const request = ++latest.current;
      try {
        const page = await api<Page<Order>>(
          `/orders?${query}${query ? '&' : ''}limit=${PAGE}${after ? `&cursor=${encodeURIComponent(after)}` : ''}`,
        );
        if (request !== latest.current) return;
        setRows((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (err) {
        if (request === latest.current) setError(describeError(err));
      }
    },
    [query],
  );
  useEffect(() => void load(null), [load]);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all = await allPages<Order>(`/orders${query ? `?${query}` : ''}`, 500);
      download('tradeloop-orders.csv', ordersCsv(all, names));
      push('info', `Exported ${all.length} orders.`);
    } catch (err) {
      push('error', `Export failed: ${describeError(err)}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section>
      <form class="toolbar filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <label>
          Trader
          <select value={traderId} onChange={(e) => setTraderId(e.currentTarget.value)}>
            <option value="">all</option>
            {traders.slice(0, 2000).map((t) => (
              <option key={t.id} value={String(t.id)}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pair
          <input
            value={pairDraft}
            placeholder="e.g. BTC/USDT"
            onInput={(e) => setPairDraft(e.currentTarget.value)}
            onChange={(e) => setPair(e.currentTarget.value)}
          />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as OrderStatus | '')}>
            <option value="">all</option>
            {Object.entries(STATUS_WORDS).map(([s, words]) => (
              <option key={s} value={s}>
                {words}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={exportCsv} disabled={exporting}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </form>
      <NoticeList notices={notices} dismiss={dismiss} />
      {error && (
        <p class="error" role="alert">
          Orders could not be loaded: {error}
        </p>
      )}
      <p aria-live="polite">
        {rows.length === 0
          ? 'No orders match.'
          : `${rows.length} orders shown${cursor ? ' (more below)' : ''}`}
      </p>
      {rows.length > 0 && (
        <div class="table-scroll">
          <table class="data-table cards orders-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Pair</th>
                <th scope="col">Side</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Filled / qty
                </th>
                <th scope="col" class="num">
                  Avg price
                </th>
                <th scope="col" class="num">
                  Fee
                </th>
                <th scope="col">Trader</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((o) => (
                <tr key={o.id} data-order-id={o.id}>
                  <td data-label="Time">{new Date(o.createdAt).toLocaleString()}</td>
                  <th scope="row" data-label="Pair">
                    {o.pair}
                  </th>
                  <td data-label="Side">
                    {o.side} {o.type}
                  </td>
                  <td data-label="Status">{o.status.replace('_', ' ')}</td>
                  <td class="num" data-label="Filled / qty">
                    {fmtNum(o.filledQuantity, 8)} / {fmtNum(o.quantity, 8)}
                  </td>
                  <td class="num" data-label="Avg price">
                    {fmtNum(o.averagePrice ?? o.price, 8)}
                  </td>
                  <td class="num" data-label="Fee">
                    {fmtNum(o.fee, 8)}
                  </td>
                  <td data-label="Trader">
                    {o.traderId === null ? 'by hand' : (names.get(o.traderId) ?? `#${o.traderId}`)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor && (
        <button type="button" class="secondary more" onClick={() => void load(cursor)}>
          Show older
        </button>
      )}
      <ProfitSummaries names={names} />
    </section>
  );
}
