/**
 * Cursor pagination (never OFFSET): a cursor is the opaque, URL-safe encoding
 * of the last row's sort key. A cursor that does not decode is a 400.
 */
import { ValidationError } from '../domain/errors.js';

export interface KeysetCursor {
  createdAt: number;
  id: number;
}

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 500;

export function encodeCursor(c: KeysetCursor): string {
  return Buffer.from(`${c.createdAt}.${c.id}`).toString('base64url');
}

export function decodeCursor(raw: string | undefined): KeysetCursor | null {
  if (raw === undefined || raw === '') return null;
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(raw) ? Buffer.from(raw, 'base64url').toString() : '';
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(text);
  if (!m) {
    throw new ValidationError('query.cursor is not a cursor this API issued', {
      details: [{ path: 'query.cursor', message: 'malformed cursor; pass back nextCursor unchanged' }],
    });
  }
  return { createdAt: Number(m[1]), id: Number(m[2]) };
}

/** `{ items, nextCursor }` for a page fetched with `limit + 1` rows. */
export function page<T extends { createdAt: number; id: number }, O>(
  rows: T[],
  limit: number,
  toJson: (r: T) => O,
): { items: O[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(toJson), nextCursor: more && last ? encodeCursor(last) : null };
}
