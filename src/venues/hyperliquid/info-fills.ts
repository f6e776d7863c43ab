/**
 * Hyperliquid info API wire format (hyperliquid.gitbook.io, "Info endpoint"):
 * a user's fills `{ coin, px, sz, side "B"|"A", time (ms), startPosition,
 * dir, closedPnl, hash, oid, crossed, fee, feeToken, tid, builderFee? }` as
 * leader trades (B = buy, A = sell; the market is the coin: `BTC` for a perp,
 * `PURR/USDC` or `@107` for spot; the id the fill's `tid`), and the watcher's
 * cursor: the last millisecond delivered and the fills already delivered in it.
 */
import { tryParseDecimal } from '../../domain/decimal.js';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import type { LeaderTrade, SourceCursor } from '../leader-source.js';

export interface FillCursor {
  t: number;
  ids: string[];
}

const CURSOR = /^hl1:(\d{1,15}):([0-9,]{0,4000})$/;

export const encodeFillCursor = (c: FillCursor): SourceCursor => `hl1:${c.t}:${c.ids.join(',')}`;

export function decodeFillCursor(cursor: SourceCursor): FillCursor {
  const m = CURSOR.exec(cursor);
  if (!m) throw new ValidationError(`not a hyperliquid cursor: ${JSON.stringify(cursor.slice(0, 40))}`);
  return { t: Number(m[1]), ids: m[2] ? m[2].split(',').filter(Boolean) : [] };
}

function malformed(what: string, field: string, value: unknown): UnavailableError {
  return new UnavailableError(`${what}: unexpected ${field} ${JSON.stringify(value)?.slice(0, 60)}`);
}

/** One fill as a trade; `what` names the request for error messages. */
export function fillTrade(raw: unknown, what: string): LeaderTrade {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UnavailableError(`${what}: expected an object per fill`);
  const r = raw as Record<string, unknown>;
  const side = r['side'];
  if (side !== 'B' && side !== 'A') throw malformed(what, 'side', side);
  const time = r['time'];
  if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0)
    throw malformed(what, 'time', time);
  const coin = r['coin'];
  if (typeof coin !== 'string' || coin === '') throw malformed(what, 'coin', coin);
  const tid = r['tid'];
  if (typeof tid !== 'number' || !Number.isSafeInteger(tid) || tid < 0) throw malformed(what, 'tid', tid);
  const size = tryParseDecimal(r['sz']);
  if (!size.ok || size.value === '0') throw malformed(what, 'sz', r['sz']);
  const price = tryParseDecimal(r['px']);
  if (!price.ok || price.value === '0') throw malformed(what, 'px', r['px']);
  return {
    id: String(tid),
    ts: time,
    side: side === 'B' ? 'buy' : 'sell',
    market: coin,
    outcomeIndex: null,
    size: size.value,
    price: price.value,
  };
}

/** Oldest first: by time, then by trade id as a number. */
export function byTime(a: LeaderTrade, b: LeaderTrade): number {
  return a.ts - b.ts || a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Fills of a list the API answered, parsed. */
export function fillList(body: unknown, what: string): LeaderTrade[] {
  if (!Array.isArray(body)) throw new UnavailableError(`${what}: expected a JSON array`);
  return body.map((f) => fillTrade(f, what));
}
