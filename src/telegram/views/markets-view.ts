/** Market search results as a chat message, with their latest prices. */

import type { Market } from '../../domain/market.js';
import type { ItemError, PriceItem } from '../../marketdata/batch-items.js';
import { marketPrice } from './amounts.js';

function priceText(m: Market, price: PriceItem | undefined): string {
  if (!price) return 'price unavailable';
  const stale = price.stale ? ' (stale)' : '';
  // A binary market's ticker is the price of its first outcome.
  const outcome = m.kind === 'binary' && m.outcomes?.[0] ? `${m.outcomes[0].name} ` : '';
  return `${outcome}${marketPrice(price.price)}${stale}`;
}

export function marketsText(
  query: string,
  found: { items: Market[]; total: number },
  prices: { items: PriceItem[]; errors: ItemError[] },
): string {
  if (found.total === 0) {
    return `No market matches "${query}". Try a symbol such as BTC or a word from a market's question.`;
  }
  const bySymbol = new Map(prices.items.map((p) => [p.symbol, p]));
  const lines = found.items.map((m) => {
    const question = m.question ? ` · ${m.question}` : '';
    const inactive = m.active ? '' : ' (closed)';
    return `${m.symbol}${question}${inactive}\n  ${priceText(m, bySymbol.get(m.symbol))}`;
  });
  const shown =
    found.total > found.items.length ? `${found.items.length} of ${found.total}` : `${found.total}`;
  return `Markets matching "${query}" (${shown}):\n\n${lines.join('\n')}`;
}
