/** A leader's latest trades as the source reports them (GET /leaders/:source/:address/trades). */

import type { Leader, LeaderTrade } from '../../api/types';
import { useEndpoint } from '../../api/use-endpoint';
import { fmtNum } from '../../components/format';

export function LeaderTrades({ leader }: { leader: Leader }) {
  const { data, error } = useEndpoint<{ items: LeaderTrade[] }>(
    `/leaders/${encodeURIComponent(leader.source)}/${encodeURIComponent(leader.address)}/trades?limit=10`,
  );
  if (error) return <p class="error">Trades could not be loaded: {error}</p>;
  if (!data) return <p class="hint">Loading trades…</p>;
  if (data.items.length === 0) return <p class="hint">No trades yet.</p>;
  return (
    <table class="data-table compact" aria-label={`Latest trades of ${leader.name ?? leader.address}`}>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Side</th>
          <th scope="col">Market</th>
          <th scope="col" class="num">
            Size
          </th>
          <th scope="col" class="num">
            Price
          </th>
        </tr>
      </thead>
      <tbody>
        {data.items.map((t) => (
          <tr key={t.id}>
            <td>{new Date(t.ts).toLocaleTimeString()}</td>
            <td class={t.side === 'buy' ? 'up' : 'down'}>{t.side}</td>
            <td>
              {t.market}
              {t.outcomeIndex !== null && ` #${t.outcomeIndex}`}
            </td>
            <td class="num">{fmtNum(t.size, 4)}</td>
            <td class="num">{fmtNum(t.price, 6)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
