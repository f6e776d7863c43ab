/**
 * Recognises constraint violations from either driver. The codes are data:
 * better-sqlite3 reports `SQLITE_CONSTRAINT_*`, pg reports SQLSTATE class 23.
 */

/** What a rejected statement violated. */
export type ConstraintKind = 'unique' | 'foreign-key' | 'not-null' | 'check';

const KIND_BY_CODE: ReadonlyMap<string, ConstraintKind> = new Map([
  ['SQLITE_CONSTRAINT_UNIQUE', 'unique'],
  ['SQLITE_CONSTRAINT_PRIMARYKEY', 'unique'],
  ['SQLITE_CONSTRAINT_ROWID', 'unique'],
  ['23505', 'unique'],
  ['SQLITE_CONSTRAINT_FOREIGNKEY', 'foreign-key'],
  ['23503', 'foreign-key'],
  ['SQLITE_CONSTRAINT_NOTNULL', 'not-null'],
  ['23502', 'not-null'],
  ['SQLITE_CONSTRAINT_CHECK', 'check'],
  ['23514', 'check'],
  ['23P01', 'check'], // exclusion
]);

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** The constraint `err` reports violated, or undefined when it is no constraint violation. */
export const constraintViolation = (err: unknown): ConstraintKind | undefined =>
  KIND_BY_CODE.get(codeOf(err) ?? '');

export const isUniqueViolation = (err: unknown): boolean => constraintViolation(err) === 'unique';
