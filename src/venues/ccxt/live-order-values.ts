/**
 * What the live clients of `ccxt-live-venues.ts` share: the port's shapes
 * (structural copies: venues does not import copytrading), a venue's float
 * as an exact amount, and ccxt errors as domain errors — a refusal is a
 * ValidationError with the exchange's words, anything else an
 * UnavailableError (the outcome is unknown).
 */
import { type Exact, exact, parseExact, tryParseDecimal } from '../../domain/decimal.js';
import { UnavailableError, ValidationError } from '../../domain/errors.js';
import { ccxtClasses } from './error-mapping.js';

export interface Rules {
  step: Exact | null;
  minAmount: Exact | null;
  minNotional: Exact | null;
  quote: string;
  feeRate: Exact;
}

export interface VenueOrder {
  id: string;
  status: 'open' | 'closed' | 'canceled' | 'rejected';
  filled: Exact;
  average: Exact | null;
  fee: Exact;
  received?: Exact;
}

export interface Keys {
  apiKey?: string;
  secret?: string;
  password?: string;
  privateKey?: string;
  walletAddress?: string;
}

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
