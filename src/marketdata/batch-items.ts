/**
 * The shape of a batched market-data read: at most so many keys, each a
 * symbol or id, and an answer per item, where a failure is reported beside
 * the items that answered instead of failing the whole read.
 */
import { type AppError, isAppError, ValidationError } from '../domain/errors.js';
import type { TickerDay } from './ticker-day.js';

export const MAX_SYMBOLS_PER_REQUEST = 500;
export const MAX_IDS_PER_REQUEST = 500;
/** What a symbol or market id may look like. */
export const MARKET_KEY = /^[A-Za-z0-9._:/-]{1,80}$/;

export interface ItemError {
  symbol?: string;
  id?: string;
  code: string;
  message: string;
}

export interface PriceItem extends TickerDay {
  symbol: string;
  price: number;
  ts: number;
  stale: boolean;
  ageMs: number;
}

/** A per-item failure as the batch answers report it (never thrown: the other items still answer). */
export function toItemError(err: unknown, key: { symbol?: string; id?: string }): ItemError {
  const e: Pick<AppError, 'code' | 'message'> = isAppError(err)
    ? err
    : { code: 'DEPENDENCY_UNAVAILABLE', message: 'Upstream failed' };
  return { ...key, code: e.code, message: e.message };
}

/** The keys of one batched read: at least one, at most `max`, each a symbol or id. */
export function checkKeys(keys: readonly string[], max: number, path: string): void {
  if (keys.length === 0)
    throw new ValidationError(`${path} must name at least one`, {
      details: [{ path, message: 'must not be empty' }],
    });
  if (keys.length > max) {
    throw new ValidationError(`${path} has ${keys.length} entries; at most ${max} are allowed`, {
      details: [{ path, message: `at most ${max}` }],
    });
  }
  keys.forEach((k, i) => {
    if (typeof k !== 'string' || !MARKET_KEY.test(k)) {
      throw new ValidationError(`${path}[${i}] is not a valid symbol or id`, {
        details: [{ path: `${path}[${i}]`, message: 'invalid' }],
      });
    }
  });
}
