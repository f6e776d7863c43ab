/**
 * Recognises a database that cannot answer, from either driver, and turns it
 * into the one error the rest of the service knows: `UnavailableError` for
 * the `database` dependency, retryable, with a Retry-After. The codes are
 * data: socket errnos, PostgreSQL SQLSTATEs, better-sqlite3's `SQLITE_BUSY*`,
 * and the few driver errors pg raises without a code (matched by message).
 */
import { UnavailableError } from '../domain/errors.js';

/** The dependency name the store reports outages under (logs, /readyz). */
export const DATABASE_DEPENDENCY = 'database';

/** When a client should try again after the database failed to answer. */
export const DATABASE_RETRY_AFTER_MS = 1000;

const UNAVAILABLE_CODES = new Set([
  // The socket: refused, reset, timed out, unreachable, name not resolved.
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: too many clients, out of resources, shutting down, starting up,
  // statement cancelled by statement_timeout, session ended by a timeout.
  '53000',
  '53300',
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '57P05',
  '25P03',
  // SQLite: the file is locked by another connection beyond busy_timeout.
  'SQLITE_BUSY',
  'SQLITE_BUSY_RECOVERY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
]);

/** pg's own errors carry no code: a dead or closed connection, a missed deadline. */
const PG_UNAVAILABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end)/;

/** SQLite answered SQLITE_BUSY (or one of its extended codes): the file was locked by another connection. */
export function isSqliteBusy(err: unknown): boolean {
  return codeOf(err)?.startsWith('SQLITE_BUSY') ?? false;
}

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** True when `err` says the database could not answer (as opposed to refusing the statement). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof UnavailableError) return err.dependency === DATABASE_DEPENDENCY;
  const code = codeOf(err);
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable);
  return err instanceof Error && PG_UNAVAILABLE_MESSAGES.test(err.message);
}

/** `err` as the service's `UnavailableError` when the database could not answer, else `err` itself. */
export function asDatabaseError(err: unknown): unknown {
  if (err instanceof UnavailableError || !isDatabaseUnavailable(err)) return err;
  // The cause (host, port, driver message) is logged with the outage, never sent to a client.
  return new UnavailableError('The database is unavailable; retry shortly', {
    cause: err,
    dependency: DATABASE_DEPENDENCY,
    retryAfterMs: DATABASE_RETRY_AFTER_MS,
  });
}

/**
 * Where a dialect says the database failed to answer or answered again:
 * `DependencyOutages` in the service, which logs each outage once.
 */
export interface AvailabilityReporter {
  down(dependency: string, cause: unknown): void;
  up(dependency: string): unknown;
}

/**
 * A dialect's view of whether its database answers: every failure passes
 * through `fail` (translated, and reported when it starts an outage), and a
 * success after failures reports the end of it. A success while healthy
 * costs one boolean test.
 */
export class DatabaseAvailability {
  private failing = false;

  constructor(private readonly reporter: AvailabilityReporter | undefined) {}

  /** Passes `value` through; ends an outage when one was open. */
  readonly ok = <T>(value: T): T => {
    if (this.failing) {
      this.failing = false;
      this.reporter?.up(DATABASE_DEPENDENCY);
    }
    return value;
  };

  /** Throws `err`, as `UnavailableError` when the database could not answer. */
  readonly fail = (err: unknown): never => {
    if (isDatabaseUnavailable(err)) {
      this.failing = true;
      this.reporter?.down(DATABASE_DEPENDENCY, err instanceof UnavailableError ? (err.cause ?? err) : err);
    }
    throw asDatabaseError(err);
  };
}
