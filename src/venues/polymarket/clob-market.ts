/**
 * Shapes of Polymarket CLOB REST answers (`GET /markets`, `/book`,
 * `/prices-history`) and their translation to venue types. The SDK types many
 * of these as `any`, so they are checked here before use.
 */

import type { Market } from '../../domain/market.js';
import type { BookLevel, OrderBook } from '../types.js';

/** One outcome token of a CLOB market. */
export interface ClobToken {
  token_id: string;
  outcome: string;
  price: number;
  winner?: boolean;
}

/** The fields of a CLOB market object this venue reads. */
export interface ClobMarket {
  condition_id: string;
  question: string;
  market_slug: string;
  end_date_iso?: string | null;
  active: boolean;
  closed: boolean;
  accepting_orders?: boolean;
  minimum_order_size?: number | string;
  minimum_tick_size?: number | string;
  tokens: ClobToken[];
}

/** One side entry of a CLOB book: decimal strings. */
export interface ClobBookLevel {
  price: string;
  size: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Whether `v` looks like a binary CLOB market this venue can list. */
export function isClobMarket(v: unknown): v is ClobMarket {
  if (!isRecord(v)) return false;
  const tokens = v['tokens'];
  return (
    typeof v['condition_id'] === 'string' &&
    typeof v['market_slug'] === 'string' &&
    typeof v['question'] === 'string' &&
    Array.isArray(tokens) &&
    tokens.length === 2 &&
    tokens.every((t) => isRecord(t) && typeof t['token_id'] === 'string' && typeof t['outcome'] === 'string')
  );
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** Venue market for a CLOB market: id = condition id, symbol = slug. */
export function toMarket(m: ClobMarket): Market {
  const market: Market = {
    id: m.condition_id,
    symbol: m.market_slug,
    kind: 'binary',
    question: m.question,
    outcomes: m.tokens.map((t) => ({ name: t.outcome, price: num(t.price) ?? 0, tokenId: t.token_id })),
    active: m.active && !m.closed && m.accepting_orders !== false,
  };
  const ends = m.end_date_iso ? Date.parse(m.end_date_iso) : Number.NaN;
  if (Number.isFinite(ends)) market.endsAt = ends;
  const tick = num(m.minimum_tick_size);
  if (tick !== undefined) market.tickSize = tick;
  const min = num(m.minimum_order_size);
  if (min !== undefined) market.minSize = min;
  return market;
}

function side(levels: unknown, best: 'highest' | 'lowest', depth: number): BookLevel[] {
  if (!Array.isArray(levels)) return [];
  const out: BookLevel[] = [];
  for (const l of levels) {
    const price = isRecord(l) ? num(l['price']) : undefined;
    const size = isRecord(l) ? num(l['size']) : undefined;
    if (price !== undefined && size !== undefined) out.push({ price, size });
  }
  // The CLOB sends bids lowest first and asks highest first; sort rather than rely on it.
  out.sort((a, b) => (best === 'highest' ? b.price - a.price : a.price - b.price));
  return out.slice(0, depth);
}

/** Venue order book (best first) from a CLOB `/book` answer. */
export function toOrderBook(symbol: string, raw: unknown, depth: number, now: number): OrderBook {
  const r = isRecord(raw) ? raw : {};
  return {
    symbol,
    ts: num(r['timestamp']) ?? now,
    bids: side(r['bids'], 'highest', depth),
    asks: side(r['asks'], 'lowest', depth),
  };
}

/** `last_trade_price` of a CLOB book, when it has a usable one. */
export function lastTradePrice(raw: unknown): number | undefined {
  const p = isRecord(raw) ? num(raw['last_trade_price']) : undefined;
  return p !== undefined && p > 0 ? p : undefined;
}

/** Points of a `/prices-history` answer (`{ history: [{ t: seconds, p }] }`), as [ms, price]. */
export function historyPoints(raw: unknown): Array<[number, number]> {
  const list = isRecord(raw) ? raw['history'] : raw;
  if (!Array.isArray(list)) return [];
  const out: Array<[number, number]> = [];
  for (const pt of list) {
    const t = isRecord(pt) ? num(pt['t']) : undefined;
    const p = isRecord(pt) ? num(pt['p']) : undefined;
    if (t !== undefined && p !== undefined) out.push([t * 1000, p]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}
