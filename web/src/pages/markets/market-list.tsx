/**
 * The markets table: each market by its name (a binary market by its
 * question, its slug below), its price (a binary market's outcome prices),
 * and the venue's 24 h change and volume when the venue reports them.
 */
import type { Market, Price } from '../../api/types';
import { fmtChangePct, fmtCompact, fmtNum, fmtPrice, signClass } from '../../components/format';

interface Props {
  markets: Market[];
  prices: Map<string, Price>;
  chosenId: string | undefined;
  onChoose: (m: Market) => void;
}

export function MarketList({ markets, prices, chosenId, onChoose }: Props) {
  return (
    <div class="table-scroll market-list">
      <table>
        <thead>
          <tr>
            <th scope="col">Market</th>
            <th scope="col" class="num">
              Price
            </th>
            <th scope="col" class="num">
              <abbr title="Change of the price over the last 24 hours">24 h</abbr>
            </th>
            <th scope="col" class="num">
              <abbr title="Base-asset volume over the last 24 hours">Vol. 24 h</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {markets.map((m) => {
            const p = prices.get(m.symbol);
            return (
              <tr key={m.id} aria-selected={chosenId === m.id} data-symbol={m.symbol}>
                <td>
                  <button
                    type="button"
                    onClick={() => onChoose(m)}
                    aria-pressed={chosenId === m.id}
                    title={m.question ? `${m.question} (${m.symbol})` : undefined}
                  >
                    {m.question ?? m.symbol}
                    {m.question && <span class="market-slug">{m.symbol}</span>}
                  </button>
                </td>
                <PriceCell market={m} price={p} />
                <td class={`num ${signClass(p?.change24h)}`} data-col="change">
                  {fmtChangePct(p?.change24h)}
                </td>
                <td class="num" data-col="volume" title={p?.volume24h}>
                  {fmtCompact(p?.volume24h)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** A binary market's outcomes with their prices, one a line; a spot pair's last price. */
function PriceCell({ market, price }: { market: Market; price: Price | undefined }) {
  if (market.outcomes) {
    return (
      <td class="num">
        {market.outcomes.map((o) => (
          <span key={o.name} class="outcome">
            {o.name} {fmtNum(o.price, 3)}
          </span>
        ))}
      </td>
    );
  }
  return (
    <td class="num" data-col="price">
      {price ? `${fmtPrice(price.price)}${price.stale ? ' (stale)' : ''}` : '—'}
    </td>
  );
}
