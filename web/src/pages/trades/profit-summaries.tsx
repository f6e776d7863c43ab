/** Profit per trader (the ledger's running summaries) and per market (closed positions and order fees). */
import type { TraderPerformance } from '../../api/types';
import { useEndpoint } from '../../api/use-endpoint';
import { fmtMoney, fmtNum, fmtPct, signClass } from '../../components/format';

interface MarketProfit {
  market: string;
  closedPositions: number;
  wins: number;
  winRate: number | null;
  realizedPnl: string;
  orders: number;
  fees: string;
}

const SHOWN = 25;

export function ProfitSummaries({ names }: { names: ReadonlyMap<number, string> }) {
  const perTrader = useEndpoint<{ items: TraderPerformance[] }>('/traders/performance');
  const perMarket = useEndpoint<{ items: MarketProfit[] }>('/overview/markets');
  const traders = [...(perTrader.data?.items ?? [])]
    .filter((t) => t.trades > 0)
    .sort((a, b) => Math.abs(Number(b.realizedPnl)) - Math.abs(Number(a.realizedPnl)))
    .slice(0, SHOWN);
  return (
    <div class="panels">
      <section class="panel" aria-labelledby="per-trader-title">
        <h2 id="per-trader-title">Profit per trader</h2>
        {perTrader.error && <p class="error">{perTrader.error}</p>}
        {traders.length === 0 ? (
          <p class="hint">No trades copied yet.</p>
        ) : (
          <table class="data-table cards">
            <thead>
              <tr>
                <th scope="col">Trader</th>
                <th scope="col" class="num">
                  Closed trades
                </th>
                <th scope="col" class="num">
                  Win rate
                </th>
                <th scope="col" class="num">
                  Realised PnL
                </th>
                <th scope="col" class="num">
                  Fees
                </th>
              </tr>
            </thead>
            <tbody>
              {traders.map((t) => (
                <tr key={t.traderId}>
                  <th scope="row">{names.get(t.traderId) ?? `#${t.traderId}`}</th>
                  <td class="num" data-label="Closed trades">
                    {t.closedTrades}
                  </td>
                  <td class="num" data-label="Win rate">
                    {fmtPct(t.winRate)}
                  </td>
                  <td class={`num ${signClass(t.realizedPnl)}`} data-label="Realised PnL">
                    {fmtMoney(t.realizedPnl)}
                  </td>
                  <td class="num" data-label="Fees">
                    {fmtNum(t.fees, 6)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="panel" aria-labelledby="per-market-title">
        <h2 id="per-market-title">Profit per market</h2>
        {perMarket.error && <p class="error">{perMarket.error}</p>}
        {(perMarket.data?.items.length ?? 0) === 0 ? (
          <p class="hint">Nothing closed or traded yet.</p>
        ) : (
          <table class="data-table cards">
            <thead>
              <tr>
                <th scope="col">Market</th>
                <th scope="col" class="num">
                  Closed positions
                </th>
                <th scope="col" class="num">
                  Win rate
                </th>
                <th scope="col" class="num">
                  Realised PnL
                </th>
                <th scope="col" class="num">
                  Orders
                </th>
                <th scope="col" class="num">
                  Fees
                </th>
              </tr>
            </thead>
            <tbody>
              {perMarket.data!.items.map((m) => (
                <tr key={m.market}>
                  <th scope="row">{m.market}</th>
                  <td class="num" data-label="Closed positions">
                    {m.closedPositions}
                  </td>
                  <td class="num" data-label="Win rate">
                    {fmtPct(m.winRate)}
                  </td>
                  <td class={`num ${signClass(m.realizedPnl)}`} data-label="Realised PnL">
                    {fmtMoney(m.realizedPnl)}
                  </td>
                  <td class="num" data-label="Orders">
                    {m.orders}
                  </td>
                  <td class="num" data-label="Fees">
                    {fmtNum(m.fees, 6)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
