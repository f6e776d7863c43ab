/**
 * Which driver errors mean "the database could not answer" (503) and which
 * are a statement the database refused (a constraint, read elsewhere). The
 * end-to-end behaviour is in test/api/database-outage.test.ts and
 * sqlite-busy.test.ts; this pins the codes the issue names.
 */
import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/domain/errors.js';
import { constraintViolation } from '../../src/store/constraint-errors.js';
import {
  asDatabaseError,
  DATABASE_DEPENDENCY,
  DatabaseAvailability,
  isDatabaseUnavailable,
} from '../../src/store/driver-errors.js';

const withCode = (code: string, message = 'driver error') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['ETIMEDOUT', 'connect timed out'],
    ['53300', 'too many clients already'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['57014', 'canceling statement due to statement timeout'],
    ['08006', 'connection failure'],
    ['08001', 'unable to establish connection'],
    ['SQLITE_BUSY', 'database is locked'],
  ])('%s (%s) is the database unavailable', (code, message) => {
    expect(isDatabaseUnavailable(withCode(code, message))).toBe(true);
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Query read timeout',
  ])('pg\'s "%s" (no code) is the database unavailable', (message) => {
    expect(isDatabaseUnavailable(new Error(message))).toBe(true);
  });

  it('sees through an AggregateError of refused connections (IPv6 and IPv4 tried)', () => {
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')], ''))).toBe(true);
  });

  it.each(['23503', '23505', '22P02', '42P01', 'SQLITE_CONSTRAINT_FOREIGNKEY', 'SQLITE_ERROR'])(
    '%s is a refused statement, not an outage',
    (code) => {
      expect(isDatabaseUnavailable(withCode(code))).toBe(false);
    },
  );
});

describe('asDatabaseError', () => {
  it('becomes a retryable UnavailableError for the database with a Retry-After, leaking no address', () => {
    const e = asDatabaseError(withCode('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432'));
    expect(e).toBeInstanceOf(UnavailableError);
    const u = e as UnavailableError;
    expect([u.dependency, u.retryable, u.retryAfterMs! > 0]).toEqual([DATABASE_DEPENDENCY, true, true]);
    expect(u.message).not.toMatch(/10\.0\.0\.5|5432/);
  });

  it('leaves other errors as they are', () => {
    const fk = withCode('23503');
    expect(asDatabaseError(fk)).toBe(fk);
  });
});

describe('DatabaseAvailability', () => {
  it('reports an outage when it starts and when the next success ends it', () => {
    const seen: string[] = [];
    const health = new DatabaseAvailability({
      down: (d) => seen.push(`down ${d}`),
      up: (d) => seen.push(`up ${d}`),
    });
    health.ok(1);
    expect(() => health.fail(withCode('23505'))).toThrow('driver error');
    expect(() => health.fail(withCode('57P01'))).toThrow(UnavailableError);
    expect(health.ok(2)).toBe(2);
    health.ok(3);
    expect(seen).toEqual(['down database', 'up database']);
  });
});

describe('constraintViolation', () => {
  it.each([
    ['23503', 'foreign-key'],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', 'foreign-key'],
    ['23505', 'unique'],
    ['SQLITE_CONSTRAINT_UNIQUE', 'unique'],
    ['23502', 'not-null'],
    ['SQLITE_CONSTRAINT_NOTNULL', 'not-null'],
    ['23514', 'check'],
    ['SQLITE_CONSTRAINT_CHECK', 'check'],
  ])('%s is a %s violation', (code, kind) => {
    expect(constraintViolation(withCode(code))).toBe(kind);
  });
  it('is undefined for anything else', () => {
    expect(constraintViolation(withCode('57P01'))).toBeUndefined();
    expect(constraintViolation(new Error('x'))).toBeUndefined();
  });
});
