/**
 * Error classes shared by every module. Each has a stable `code`, an optional
 * `cause`, and says whether retrying can help. HTTP mapping lives in one place
 * (`src/api/error-mapper.ts`); nothing else decides status codes.
 */

/**
 * Every code the service reports, in HTTP error bodies and in job records.
 * The API's status table is a `Record<ErrorCode, number>`, so a code added
 * here without a status does not compile.
 */
export const ERROR_CODES = [
  // Input and access
  'VALIDATION_FAILED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'VERSION_CONFLICT',
  'ALREADY_EXISTS',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UPGRADE_REQUIRED',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_FLIGHT',
  // Dependencies and the service itself
  'TIMEOUT',
  'DEPENDENCY_UNAVAILABLE',
  'CONFIG_INVALID',
  'INTERNAL',
  // Background jobs: how a job ended when it did not succeed (TIMEOUT is a call's deadline; TIMED_OUT a
  // job that ran past its own timeout; rows written before TIMED_OUT existed keep TIMEOUT)
  'JOB_FAILED',
  'CANCELLED',
  'WORKER_LOST',
  'TIMED_OUT',
  'MAINTENANCE_FAILED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(code: string): code is ErrorCode {
  return CODE_SET.has(code);
}

export interface ErrorDetail {
  /** Where the problem is, e.g. `body.followOptions.takeProfitPct` or `updates[3].id`. */
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
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
  readonly code: ErrorCode = 'VALIDATION_FAILED';
  readonly retryable = false;
}

export class NotFoundError extends AppError {
  readonly code: ErrorCode = 'NOT_FOUND';
  readonly retryable = false;
}

/** The caller is authenticated but the resource is not theirs. */
export class ForbiddenError extends AppError {
  readonly code: ErrorCode = 'FORBIDDEN';
  readonly retryable = false;
}

export class UnauthorizedError extends AppError {
  readonly code: ErrorCode = 'UNAUTHORIZED';
  readonly retryable = false;
}

/** Optimistic-concurrency conflict: the caller's version is stale. */
export class ConflictError extends AppError {
  readonly code: ErrorCode = 'VERSION_CONFLICT';
  readonly retryable = false;
}

/** Too many requests for a limit; `retryAfterMs` says when to try again. */
export class RateLimitedError extends AppError {
  readonly code: ErrorCode = 'RATE_LIMITED';
  readonly retryable = true;
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number, options: { cause?: unknown } = {}) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The user already has as much as a quota allows (jobs queued or running);
 * retrying helps once some of it has finished.
 */
export class QuotaExceededError extends AppError {
  readonly code: ErrorCode = 'QUOTA_EXCEEDED';
  readonly retryable = true;
}

/** A dependency (database, venue, cache server) is unreachable or failing. */
export class UnavailableError extends AppError {
  readonly code: ErrorCode = 'DEPENDENCY_UNAVAILABLE';
  readonly retryable = true;
  /** When to try again, if known (the API sends it as Retry-After). */
  readonly retryAfterMs: number | undefined;
  /**
   * The dependency, when its outage is tracked (and logged once, with its
   * duration) elsewhere: the API then does not log each request it fails.
   */
  readonly dependency: string | undefined;
  constructor(
    message: string,
    options: { cause?: unknown; details?: ErrorDetail[]; retryAfterMs?: number; dependency?: string } = {},
  ) {
    super(message, options);
    this.retryAfterMs = options.retryAfterMs;
    this.dependency = options.dependency;
  }
}

/**
 * An Idempotency-Key was used before with a different request (another body
 * or route): the first request's answer cannot stand for this one.
 */
export class IdempotencyKeyReusedError extends AppError {
  readonly code: ErrorCode = 'IDEMPOTENCY_KEY_REUSED';
  readonly retryable = false;
}

/** The first request with this Idempotency-Key has not answered yet; retry after it has. */
export class IdempotencyKeyInFlightError extends AppError {
  readonly code: ErrorCode = 'IDEMPOTENCY_KEY_IN_FLIGHT';
  readonly retryable = true;
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

/** An upstream call exceeded its deadline. */
export class TimeoutError extends AppError {
  readonly code: ErrorCode = 'TIMEOUT';
  readonly retryable = true;
}

/** The environment does not describe a runnable service; the message names each variable. */
export class ConfigError extends AppError {
  readonly code: ErrorCode = 'CONFIG_INVALID';
  readonly retryable = false;
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
