/**
 * The one place the bot turns errors into chat replies (as the API's error
 * mapper turns them into HTTP): domain errors become short, specific
 * messages; anything else a plain apology, never a stack trace.
 */
import { AlreadyExistsError } from '../domain/conflict.js';
import {
  ConflictError,
  ForbiddenError,
  isAppError,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
  ValidationError,
} from '../domain/errors.js';

export const SOMETHING_WENT_WRONG = 'Something went wrong on our side. Please try again in a moment.';

/** The reply for `err`, and whether it was unexpected (worth logging). */
export function errorReply(err: unknown): { text: string; unexpected: boolean } {
  if (!isAppError(err)) return { text: SOMETHING_WENT_WRONG, unexpected: true };
  const text = (() => {
    if (err instanceof ValidationError) return `⚠️ ${err.message}`;
    if (err instanceof NotFoundError) return `🔍 ${err.message}`;
    if (err instanceof ForbiddenError) return `⛔ ${err.message}`;
    if (err instanceof ConflictError) {
      // A version race reads as API plumbing ("at version 3, not 2"); say what it means.
      const race = err.details.some((d) => d.path === 'headers.if-match');
      return race ? '⚠️ That changed meanwhile; look again and retry.' : `⚠️ ${err.message}`;
    }
    if (err instanceof AlreadyExistsError) return `⚠️ ${err.message}`;
    if (err instanceof RateLimitedError) {
      return `⏳ Too many requests. Try again in ${Math.max(1, Math.ceil(err.retryAfterMs / 1000))} s.`;
    }
    if (err instanceof UnavailableError || err instanceof TimeoutError) {
      return '⏳ A service behind tradeloop is not answering right now. Try again in a moment.';
    }
    return undefined;
  })();
  return text === undefined ? { text: SOMETHING_WENT_WRONG, unexpected: true } : { text, unexpected: false };
}
