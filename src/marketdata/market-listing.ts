/**
 * A venue's market listing, indexed once per listing array: by id (sorted,
 * for cursor pages) and by symbol. The index is memoised on the array the
 * cache holds, so a cached listing is indexed once however often it is read.
 */
import type { Market } from '../domain/market.js';

export interface Listing {
  sorted: Market[];
  bySymbol: Map<string, Market>;
  byId: Map<string, Market>;
}

const indexes = new WeakMap<Market[], Listing>();

export function listingOf(markets: Market[]): Listing {
  let l = indexes.get(markets);
  if (!l) {
    const sorted = [...markets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    l = {
      sorted,
      bySymbol: new Map(markets.map((m) => [m.symbol, m])),
      byId: new Map(markets.map((m) => [m.id, m])),
    };
    indexes.set(markets, l);
  }
  return l;
}

/** Up to `limit` markets in id order after `afterId` (from the start when null), and the next cursor. */
export function pageAfter(
  l: Listing,
  afterId: string | null,
  limit: number,
): { items: Market[]; nextId: string | null } {
  const { sorted } = l;
  let lo = 0;
  if (afterId !== null) {
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.id <= afterId) lo = mid + 1;
      else hi = mid;
    }
  }
  const items = sorted.slice(lo, lo + limit);
  const more = lo + limit < sorted.length;
  return { items, nextId: more ? items[items.length - 1]!.id : null };
}
