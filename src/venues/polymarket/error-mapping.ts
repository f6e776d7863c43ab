/**
 * Translates failures of the Polymarket CLOB SDK (its `ApiError` with an HTTP
 * status, or a bare network error) into the shared domain errors.
 */
import { ApiError } from '@polymarket/clob-client-v2';
import {
  type AppError,
  isAppError,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
  ValidationError,
} from '../../domain/errors.js';

/** Maps what a CLOB call threw; `retryAfterMs` is the hint given for 429s. */
export function fromClobError(err: unknown, what: string, retryAfterMs: number): AppError {
  if (isAppError(err)) return err;
  const status = err instanceof ApiError ? err.status : undefined;
  const msg = `polymarket ${what}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
  if (status === 429) return new RateLimitedError(msg, retryAfterMs, { cause: err });
  if (status === 404) return new NotFoundError(msg, { cause: err });
  if (status !== undefined && status >= 400 && status < 500) return new ValidationError(msg, { cause: err });
  return new UnavailableError(msg, { cause: err });
}
