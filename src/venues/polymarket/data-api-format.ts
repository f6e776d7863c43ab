/**
 * Polymarket data API wire format: `/trades` rows and leaderboard entries as
 * our types (exact decimals, stable trade ids), the watcher's cursor codec,
 * and the answers' error shapes. Based on the data API's OpenAPI spec
 * (docs.polymarket.com/api-reference); see data-api-source.ts.
 */
import { createHash } from 'node:crypto';
import { type Decimal, tryParseDecimal } from '../../domain/decimal.js';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import type { LeaderStats, LeaderTrade, SourceCursor } from '../leader-source.js';

const CURSOR_PREFIX = 'pm1.';
/** A wallet address: 0x and 40 hex digits. */
export const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A trade with its timestamp in API seconds, kept for cursor maths. */
export interface Row {
  trade: LeaderTrade;
  sec: number;
}

/** Where a watcher is: the last second delivered and the ids already delivered within it. */
export interface CursorState {
  t: number;
  ids: string[];
}

/** Oldest first: by time, then by id, so equal timestamps always come out in one order. */
export function ascending(a: Row, b: Row): number {
  return a.sec - b.sec || (a.trade.id < b.trade.id ? -1 : a.trade.id > b.trade.id ? 1 : 0);
}

export function encodeCursor(c: CursorState): SourceCursor {
  return CURSOR_PREFIX + Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(cursor: SourceCursor): CursorState {
  const bad = () => new ValidationError(`not a polymarket cursor: ${JSON.stringify(cursor.slice(0, 40))}`);
  if (!cursor.startsWith(CURSOR_PREFIX)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const c = parsed as Partial<CursorState> | null;
  if (
    !c ||
    !Number.isSafeInteger(c.t) ||
    !Array.isArray(c.ids) ||
    !c.ids.every((id): id is string => typeof id === 'string')
  )
    throw bad();
  return { t: c.t as number, ids: c.ids };
}

/**
 * One `/trades` row as a trade with its base id:
 * `<transactionHash>-<first 16 hex of sha256(asset|conditionId|outcomeIndex|side|size|price)>`,
 * size and price as canonical decimals, so the same fill always gets the same id.
 */
export function parseTrade(raw: unknown): { base: string; sec: number; trade: Omit<LeaderTrade, 'id'> } {
  const r = record(raw, '/trades');
  const side = r['side'];
  if (side !== 'BUY' && side !== 'SELL') throw malformed('/trades', 'side', side);
  const sec = r['timestamp'];
  if (typeof sec !== 'number' || !Number.isSafeInteger(sec) || sec < 0)
    throw malformed('/trades', 'timestamp', sec);
  const market = r['conditionId'];
  if (typeof market !== 'string' || market === '') throw malformed('/trades', 'conditionId', market);
  const outcomeIndex = r['outcomeIndex'];
  if (outcomeIndex !== undefined && outcomeIndex !== null && !Number.isSafeInteger(outcomeIndex))
    throw malformed('/trades', 'outcomeIndex', outcomeIndex);
  const size = decimalField(r, 'size', '/trades', false);
  const price = decimalField(r, 'price', '/trades', false);
  const asset = typeof r['asset'] === 'string' ? r['asset'] : '';
  const tx = typeof r['transactionHash'] === 'string' && r['transactionHash'] ? r['transactionHash'] : null;
  const index = typeof outcomeIndex === 'number' ? outcomeIndex : null;
  const digest = createHash('sha256')
    .update([asset, market, index ?? '', side, size, price, tx ? '' : sec].join('|'))
    .digest('hex')
    .slice(0, 16);
  return {
    base: `${tx ?? 'notx'}-${digest}`,
    sec,
    trade: {
      ts: sec * 1000,
      side: side === 'BUY' ? 'buy' : 'sell',
      market,
      outcomeIndex: index,
      size,
      price,
    },
  };
}

export function leaderOf(raw: unknown): LeaderStats {
  const r = record(raw, '/v1/leaderboard');
  const address = r['proxyWallet'];
  if (typeof address !== 'string' || !ADDRESS.test(address))
    throw malformed('/v1/leaderboard', 'proxyWallet', address);
  const userName = typeof r['userName'] === 'string' ? r['userName'].trim() : '';
  return {
    source: 'polymarket',
    address: address.toLowerCase(),
    name: userName === '' || userName.toLowerCase() === address.toLowerCase() ? null : userName,
    style: null,
    pnl: decimalField(r, 'pnl', '/v1/leaderboard', true),
    volume: decimalField(r, 'vol', '/v1/leaderboard', false),
    trades: 0,
    winRate: null,
    lastTradeTs: null,
  };
}

/**
 * A JSON number (or decimal string) as a canonical decimal without float
 * noise: the shortest text that round-trips the double (what JSON.parse got
 * from the wire) is taken digit for digit. Below 10^-18 it rounds to 18 places.
 */
export function decimalField(
  r: Record<string, unknown>,
  field: string,
  path: string,
  signed: boolean,
): Decimal {
  const v = r[field];
  let d = tryParseDecimal(v, { allowNegative: signed });
  if (!d.ok && typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e-6)
    d = tryParseDecimal(Number(v.toFixed(18)), { allowNegative: signed });
  if (!d.ok) throw malformed(path, field, v);
  return d.value;
}

export function record(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UnavailableError(`polymarket data API ${path}: expected an object per row`);
  return raw as Record<string, unknown>;
}

export function asArray(body: unknown, path: string): unknown[] {
  if (!Array.isArray(body)) throw new UnavailableError(`polymarket data API ${path}: expected a JSON array`);
  return body;
}

export function malformed(path: string, field: string, value: unknown): UnavailableError {
  const shown = JSON.stringify(value)?.slice(0, 60) ?? String(value);
  return new UnavailableError(`polymarket data API ${path}: unexpected ${field} ${shown}`);
}
