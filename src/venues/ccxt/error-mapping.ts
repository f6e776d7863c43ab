/**
 * Translates ccxt's error hierarchy into the shared domain errors, keeping the
 * original as `cause`, so callers never import ccxt to decide whether to retry.
 * The hierarchy is matched by class name along the prototype chain rather
 * than with `instanceof`: importing ccxt's classes here would load all of
 * ccxt (about 80 MiB) into every process that merely might trade.
 */
import {
  type AppError,
  isAppError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
  ValidationError,
} from '../../domain/errors.js';

/** Maps anything a ccxt call threw to an AppError; `retryAfterMs` is used for rate limits. */
export function fromCcxtError(err: unknown, venueId: string, retryAfterMs: number): AppError {
  if (isAppError(err)) return err;
  const msg = `${venueId}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
  const is = ccxtClasses(err);
  if (is.has('RateLimitExceeded') || is.has('DDoSProtection')) {
    return new RateLimitedError(msg, retryAfterMs, { cause: err });
  }
  if (is.has('RequestTimeout')) return new TimeoutError(msg, { cause: err });
  if (is.has('ExchangeNotAvailable') || is.has('NetworkError'))
    return new UnavailableError(msg, { cause: err });
  if (is.has('BadSymbol')) return new NotFoundError(msg, { cause: err });
  if (is.has('BadRequest')) return new ValidationError(msg, { cause: err });
  // Any other exchange-side failure: treat the dependency as failing, retryable.
  return new UnavailableError(msg, { cause: err });
}

/** Names of the error's class and its ancestors (ccxt's errors are a class hierarchy). */
export function ccxtClasses(err: unknown): Set<string> {
  const names = new Set<string>();
  let proto: unknown = err !== null && typeof err === 'object' ? Object.getPrototypeOf(err) : null;
  while (proto !== null && proto !== Object.prototype && proto !== Error.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name) names.add(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}
