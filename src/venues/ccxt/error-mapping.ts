/**
 * Translates ccxt's error hierarchy into the shared domain errors, keeping the
 * original as `cause`, so callers never import ccxt to decide whether to retry.
 */
import {
  BadRequest,
  BadSymbol,
  DDoSProtection,
  ExchangeNotAvailable,
  NetworkError,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
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
  if (err instanceof RateLimitExceeded || err instanceof DDoSProtection) {
    return new RateLimitedError(msg, retryAfterMs, { cause: err });
  }
  if (err instanceof RequestTimeout) return new TimeoutError(msg, { cause: err });
  if (err instanceof ExchangeNotAvailable || err instanceof NetworkError)
    return new UnavailableError(msg, { cause: err });
  if (err instanceof BadSymbol) return new NotFoundError(msg, { cause: err });
  if (err instanceof BadRequest) return new ValidationError(msg, { cause: err });
  // Any other exchange-side failure: treat the dependency as failing, retryable.
  return new UnavailableError(msg, { cause: err });
}
