/**
 * What a page of leader trades is copied at, read before its transaction:
 * each (market, outcome) traded, with the market and its current price.
 * Markets come from the venue's cached listing (one call for every market,
 * not one per market: a thousand watchers starting at once would otherwise
 * queue behind the venue's rate limit); prices in one read for the page,
 * from the price stream where it has the market, else through the price
 * cache. A leader-priced source (Solana swaps) is copied at the leader's fill.
 */
import { type Exact, parseExact } from '../domain/decimal.js';
import type { Market } from '../domain/market.js';
import { priceDecimal } from '../domain/position.js';
import { MAX_SYMBOLS_PER_REQUEST } from '../marketdata/batch-items.js';
import type { MarketData } from '../marketdata/market-data.js';
import type { LeaderTrade } from '../venues/leader-source.js';
import { type MarketQuote, quoteKey } from './copy-fanout.js';

/** The quotes of a page, keyed by `quoteKey`. */
export async function pageQuotes(
  marketData: Pick<MarketData, 'listed' | 'prices'>,
  trades: readonly LeaderTrade[],
  leaderPriced: boolean,
): Promise<Map<string, MarketQuote>> {
  const out = new Map<string, MarketQuote>();
  if (leaderPriced) {
    for (const t of trades) if (!out.has(quoteKey(t))) out.set(quoteKey(t), leaderFillQuote(t));
    return out;
  }
  const markets = new Map<string, Market | undefined>();
  for (const t of trades) {
    if (!markets.has(t.market)) markets.set(t.market, await marketData.listed(t.market));
  }
  const symbols = [...new Set([...markets.values()].flatMap((m) => (m ? [m.symbol] : [])))];
  const prices = new Map<string, number>();
  for (let i = 0; i < symbols.length; i += MAX_SYMBOLS_PER_REQUEST) {
    const { items } = await marketData.prices(symbols.slice(i, i + MAX_SYMBOLS_PER_REQUEST));
    for (const p of items) prices.set(p.symbol, p.price);
  }
  for (const t of trades) {
    const key = quoteKey(t);
    if (out.has(key)) continue;
    const market = markets.get(t.market) ?? null;
    const price = market ? prices.get(market.symbol) : undefined;
    out.set(key, { market, price: price === undefined ? null : outcomePrice(price, t.outcomeIndex) });
  }
  return out;
}

/** The price of the traded outcome, from the market's price (a binary market's is its first outcome's). */
function outcomePrice(price: number, outcomeIndex: number | null): Exact {
  const first = parseExact(priceDecimal(price));
  return outcomeIndex === 1 ? { m: 10n ** BigInt(first.s) - first.m, s: first.s } : first;
}

/** The quote of a leader-priced trade: a spot market named by the trade (`<base>/<quote>`), at the leader's price. */
export function leaderFillQuote(t: LeaderTrade): MarketQuote {
  const [base, quote] = t.market.split('/');
  return {
    market: {
      id: t.market,
      symbol: t.market,
      kind: 'spot',
      ...(base ? { base } : {}),
      ...(quote ? { quote } : {}),
      active: true,
    },
    price: parseExact(t.price),
  };
}
