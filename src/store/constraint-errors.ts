/**
 * Recognises constraint violations from either driver. The codes are data:
 * better-sqlite3 reports `SQLITE_CONSTRAINT_*`, pg reports SQLSTATE classes.
 */
const UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);

function codeOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

export const isUniqueViolation = (err: unknown): boolean => UNIQUE.has(codeOf(err) ?? '');
