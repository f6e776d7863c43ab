/**
 * What the live clients of `ccxt-live-venues.ts` share: a venue's float
 * as an exact amount, and ccxt errors as domain errors — a refusal is a
 * ValidationError with the exchange's words, anything else an
 * UnavailableError (the outcome is unknown).
 */
import { type Exact, exact, parseExact, tryParseDecimal } from '../../domain/decimal.js';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import { ccxtClasses } from './error-mapping.js';

/** A venue's float as an exact amount (12 places is finer than any lot or price step). */
export function toExact(n: unknown): Exact | null {
  if (typeof n !== 'number' || !Number.isFinite(n)) return null;
  const r = tryParseDecimal(Math.abs(n).toFixed(12));
  if (!r.ok) return null;
  const x = parseExact(r.value);
  return n < 0 ? exact.neg(x) : x;
}

/** ccxt errors that mean the exchange refused the order (final), not that the outcome is unknown. */
const REFUSED = [
  'InsufficientFunds',
  'InvalidOrder',
  'BadRequest',
  'BadSymbol',
  'AuthenticationError',
  'PermissionDenied',
  'AccountSuspended',
];

export function orderError(err: unknown, venue: string): Error {
  const message = `${venue}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
  const names = ccxtClasses(err);
  if (REFUSED.some((n) => names.has(n))) return new ValidationError(message);
  return new UnavailableError(message);
}
