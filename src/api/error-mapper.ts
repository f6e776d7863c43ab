/**
 * The one place errors become HTTP. Our AppErrors map by code; Fastify's own
 * errors (bad JSON, body too large, schema validation) map by status; a
 * constraint the database refused is a 4xx (a row referred to is gone, a
 * duplicate, a missing or invalid value), never a 500 (a database that could
 * not answer is already an `UnavailableError` from the store: 503 with
 * Retry-After); anything else is a 500 that is logged and never leaks
 * internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  type ErrorCode,
  type ErrorDetail,
  IdempotencyKeyInFlightError,
  isAppError,
  RateLimitedError,
  UnavailableError,
} from '../domain/errors.js';
import { type ConstraintKind, constraintViolation } from '../store/constraint-errors.js';

/** Every code has a status: a code added to the catalogue without one does not compile. */
export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UPGRADE_REQUIRED: 426,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 429,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_IN_FLIGHT: 409,
  TIMEOUT: 504,
  DEPENDENCY_UNAVAILABLE: 503,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
  // A job's code reaches HTTP only if its error is rethrown from a route.
  JOB_FAILED: 500,
  CANCELLED: 409,
  WORKER_LOST: 503,
  TIMED_OUT: 504,
  MAINTENANCE_FAILED: 500,
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[] };
}

export function errorBody(code: ErrorCode, message: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message, details } };
}

interface AjvError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function validationDetails(err: FastifyError): ErrorDetail[] {
  const context = (err as { validationContext?: string }).validationContext ?? 'body';
  return ((err.validation ?? []) as AjvError[]).map((v) => {
    const path = context + v.instancePath.replace(/\/(\d+)(?=\/|$)/g, '[$1]').replaceAll('/', '.');
    if (v.keyword === 'additionalProperties') {
      return { path: `${path}.${String(v.params['additionalProperty'])}`, message: 'is not a known field' };
    }
    if (v.keyword === 'required')
      return { path: `${path}.${String(v.params['missingProperty'])}`, message: 'is required' };
    const allowed = v.params['allowedValues'];
    if (v.keyword === 'enum' && Array.isArray(allowed))
      return { path, message: `must be one of ${allowed.join(', ')}` };
    return { path, message: v.message ?? v.keyword };
  });
}

function fromFastify(err: FastifyError): { status: number; body: ErrorBody } {
  if (err.validation) {
    const details = validationDetails(err);
    const first = details[0];
    return {
      status: 400,
      body: errorBody(
        'VALIDATION_FAILED',
        first ? `${first.path} ${first.message}` : 'Invalid request',
        details,
      ),
    };
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return { status, body: errorBody('PAYLOAD_TOO_LARGE', err.message) };
  if (status === 415) return { status, body: errorBody('UNSUPPORTED_MEDIA_TYPE', err.message) };
  if (status === 429) return { status, body: errorBody('RATE_LIMITED', err.message) };
  if (status >= 400 && status < 500) {
    const message =
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
        ? `Malformed JSON body: ${err.message}`
        : err.message;
    return { status, body: errorBody('VALIDATION_FAILED', message) };
  }
  return { status: 500, body: errorBody('INTERNAL', 'Internal error') };
}

/**
 * A statement the database refused reached no rule that explains it (a race
 * with a delete, a check the schema has and the validation missed): the
 * request was wrong for the data as it is now, so it is a 4xx, and the
 * transaction it ran in wrote nothing.
 */
const CONSTRAINT_ANSWERS: Readonly<Record<ConstraintKind, { code: ErrorCode; message: string }>> = {
  'foreign-key': {
    code: 'NOT_FOUND',
    message:
      'A record this request refers to does not exist (it may have just been deleted); nothing was written',
  },
  unique: {
    code: 'ALREADY_EXISTS',
    message: 'A record with these values already exists; nothing was written',
  },
  'not-null': { code: 'VALIDATION_FAILED', message: 'A required value is missing; nothing was written' },
  check: { code: 'VALIDATION_FAILED', message: 'A value is out of its allowed range; nothing was written' },
};

export function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isAppError(err)) {
    const status = STATUS_BY_CODE[err.code];
    const retryAfterMs =
      err instanceof RateLimitedError ||
      err instanceof IdempotencyKeyInFlightError ||
      err instanceof UnavailableError
        ? err.retryAfterMs
        : undefined;
    if (retryAfterMs !== undefined) reply.header('retry-after', Math.max(1, Math.ceil(retryAfterMs / 1000)));
    // A tracked dependency's outage is logged once when it starts and once when it ends, not per request.
    if (err instanceof UnavailableError && err.dependency !== undefined)
      request.log.debug({ err }, 'request failed: dependency unavailable');
    else if (status >= 500) request.log.error({ err }, 'request failed');
    return reply.status(status).send(errorBody(err.code, err.message, err.details));
  }
  const constraint = constraintViolation(err);
  if (constraint !== undefined) {
    const { code, message } = CONSTRAINT_ANSWERS[constraint];
    request.log.info({ err }, `request refused by a ${constraint} constraint`);
    return reply.status(STATUS_BY_CODE[code]).send(errorBody(code, message));
  }
  const { status, body } = fromFastify(err as FastifyError);
  if (status >= 500) request.log.error({ err }, 'request failed');
  return reply.status(status).send(body);
}
