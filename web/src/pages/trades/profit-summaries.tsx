/** Profit per trader (the ledger's running summaries) and per market (closed positions and order fees). */
import type { MarketProfit, TraderPerformance } from '../../api/types';
import { useEndpoint } from '../../api/use-endpoint';
import { fmtMoney, fmtNum, fmtPct, signClass } from '../../components/format';

const SHOWN = 25;

interface Row {
  key: string | number;
  name: string;
  closed: number;
  winRate: number | null;
  realizedPnl: string;
  fees: string;
  orders?: number;
}

/** One profit table: name, closed trades or positions, win rate, realised PnL, (orders,) fees. */
function ProfitTable({
  id,
  title,
  closedLabel,
  rows,
  empty,
  error,
}: {
  id: string;
  title: string;
  closedLabel: string;
  rows: Row[];
  empty: string;
  error: string | null;
}) {
  const withOrders = rows.some((r) => r.orders !== undefined);
  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {error && <p class="error">{error}</p>}
      {rows.length === 0 ? (
        <p class="hint">{empty}</p>
      ) : (
        <table class="data-table cards">
          <thead>
            <tr>
              <th scope="col">{title.replace('Profit per ', '').replace(/^./, (c) => c.toUpperCase())}</th>
              <th scope="col" class="num">
                {closedLabel}
              </th>
              <th scope="col" class="num">
                Win rate
              </th>
              <th scope="col" class="num">
                Realised PnL (net of fees)
              </th>
              {withOrders && (
                <th scope="col" class="num">
                  Orders
                </th>
              )}
              <th scope="col" class="num">
                Fees
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.name}</th>
                <td class="num" data-label={closedLabel}>
                  {r.closed}
                </td>
                <td class="num" data-label="Win rate">
                  {fmtPct(r.winRate)}
                </td>
                <td class={`num ${signClass(r.realizedPnl)}`} data-label="Realised PnL">
                  {fmtMoney(r.realizedPnl)}
                </td>
                {withOrders && (
                  <td class="num" data-label="Orders">
                    {r.orders}
                  </td>
                )}
                <td class="num" data-label="Fees">
                  {fmtNum(r.fees, 6)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ProfitSummaries({ names }: { names: ReadonlyMap<number, string> }) {
  const perTrader = useEndpoint<{ items: TraderPerformance[] }>('/traders/performance');
  const perMarket = useEndpoint<{ items: MarketProfit[] }>('/overview/markets');
  const traders = [...(perTrader.data?.items ?? [])]
    .filter((t) => t.trades > 0)
    .sort((a, b) => Math.abs(Number(b.realizedPnl)) - Math.abs(Number(a.realizedPnl)))
    .slice(0, SHOWN);
  return (
    <div class="panels spaced">
      <ProfitTable
        id="per-trader-title"
        title="Profit per trader"
        closedLabel="Closed trades"
        empty="No trades copied yet."
        error={perTrader.error}
        rows={traders.map((t) => ({
          key: t.traderId,
          name: names.get(t.traderId) ?? `#${t.traderId}`,
          closed: t.closedTrades,
          winRate: t.winRate,
          realizedPnl: t.realizedPnl,
          fees: t.fees,
        }))}
      />
      <ProfitTable
        id="per-market-title"
        title="Profit per market"
        closedLabel="Closed positions"
        empty="Nothing closed or traded yet."
        error={perMarket.error}
        rows={(perMarket.data?.items ?? []).map((m) => ({
          key: m.market,
          name: m.market,
          closed: m.closedPositions,
          winRate: m.winRate,
          realizedPnl: m.realizedPnl,
          orders: m.orders,
          fees: m.fees,
        }))}
      />
    </div>
  );
}
