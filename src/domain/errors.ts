/**
 * Error classes shared by every module. Each has a stable `code`, an optional
 * `cause`, and says whether retrying can help. HTTP mapping lives in one place
 * (`src/api/error-mapper.ts`); nothing else decides status codes.
 */

export interface ErrorDetail {
  /** Where the problem is, e.g. `body.followOptions.takeProfitPct` or `updates[3].id`. */
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly details: ErrorDetail[];

  constructor(message: string, options: { cause?: unknown; details?: ErrorDetail[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details ?? [];
  }
}

/** The input is wrong; retrying the same input cannot help. */
export class ValidationError extends AppError {
  readonly code = 'VALIDATION_FAILED';
  readonly retryable = false;
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  readonly retryable = false;
}

/** The caller is authenticated but the resource is not theirs. */
export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  readonly retryable = false;
}

export class UnauthorizedError extends AppError {
  readonly code = 'UNAUTHORIZED';
  readonly retryable = false;
}

/** Optimistic-concurrency conflict: the caller's version is stale. */
export class ConflictError extends AppError {
  readonly code = 'VERSION_CONFLICT';
  readonly retryable = false;
}

/** Too many requests for a limit; `retryAfterMs` says when to try again. */
export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  readonly retryable = true;
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: { cause?: unknown } = {}) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A dependency (database, venue, cache server) is unreachable or failing. */
export class UnavailableError extends AppError {
  readonly code = 'DEPENDENCY_UNAVAILABLE';
  readonly retryable = true;
}

/** An upstream call exceeded its deadline. */
export class TimeoutError extends AppError {
  readonly code = 'TIMEOUT';
  readonly retryable = true;
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
