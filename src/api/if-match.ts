/** Optimistic concurrency over HTTP: the `If-Match` header as an expected row version. */
import { ValidationError } from '../domain/errors.js';

/** Parses `If-Match: 3` or `If-Match: "3"` into a version. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!m) {
    throw new ValidationError('If-Match must be a version such as "3"', {
      details: [{ path: 'headers.if-match', message: 'must be a version number' }],
    });
  }
  return Number(m[1]);
}
