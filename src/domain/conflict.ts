/** Errors for writes that collide with existing state. */
import { AppError, type ErrorCode } from './errors.js';

/** A unique value (a trader address, a client order id) is already taken. */
export class AlreadyExistsError extends AppError {
  readonly code: ErrorCode = 'ALREADY_EXISTS';
  readonly retryable = false;
}
