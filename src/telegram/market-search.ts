/**
 * Finds markets by symbol or question words in the venue's cached listing
 * (no upstream call beyond the listing the API already caches), best matches
 * first: exact symbol, then symbol prefix, then symbol or question containing
 * the query.
 */

import type { Market } from '../domain/market.js';
import type { MarketData } from '../marketdata/market-data.js';

const PAGE = 500;

function rank(m: Market, q: string): number {
  const symbol = m.symbol.toLowerCase();
  if (symbol === q) return 0;
  if (symbol.startsWith(q)) return 1;
  if (symbol.includes(q)) return 2;
  if (m.question?.toLowerCase().includes(q)) return 3;
  return -1;
}

export async function searchMarkets(
  marketData: Pick<MarketData, 'markets'>,
  query: string,
  max: number,
): Promise<{ items: Market[]; total: number }> {
  const q = query.toLowerCase();
  const hits: { m: Market; r: number }[] = [];
  let after: string | null = null;
  do {
    const page = await marketData.markets(PAGE, after);
    for (const m of page.items) {
      const r = rank(m, q);
      if (r >= 0) hits.push({ m, r });
    }
    after = page.nextId;
  } while (after !== null);
  hits.sort((a, b) => a.r - b.r || a.m.symbol.localeCompare(b.m.symbol));
  return { items: hits.slice(0, max).map((h) => h.m), total: hits.length };
}
